package dev.grpcplatform.starter.security;

import java.util.ArrayList;
import java.util.List;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

import net.devh.boot.grpc.server.service.GrpcService;

/**
 * Reads {@link RequireScopes} from every {@code @GrpcService} bean into {@link GrpcMethodSecurity}
 * once all beans exist, before the server starts, and warns about configured method patterns that
 * match no served method.
 */
class GrpcServiceAnnotationsReader implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(GrpcServiceAnnotationsReader.class);

	private final ListableBeanFactory beanFactory;

	private final GrpcMethodSecurity methodSecurity;

	private final GrpcSecurityProperties properties;

	GrpcServiceAnnotationsReader(ListableBeanFactory beanFactory, GrpcMethodSecurity methodSecurity,
			GrpcSecurityProperties properties) {
		this.beanFactory = beanFactory;
		this.methodSecurity = methodSecurity;
		this.properties = properties;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<String> methods = new ArrayList<>();
		for (String name : this.beanFactory.getBeanNamesForAnnotation(GrpcService.class)) {
			if (this.beanFactory.getBean(name) instanceof BindableService service) {
				ServiceDescriptor descriptor = service.bindService().getServiceDescriptor();
				this.methodSecurity.registerService(AopUtils.getTargetClass(service), descriptor);
				descriptor.getMethods().stream().map(MethodDescriptor::getFullMethodName).forEach(methods::add);
			}
		}
		warnAboutUnmatched(this.properties.getPublicMethods(), "platform.grpc.security.public-methods", methods);
		warnAboutUnmatched(this.properties.getRequiredScopes().keySet(), "platform.grpc.security.required-scopes",
				methods);
	}

	private static void warnAboutUnmatched(Iterable<String> patterns, String property, List<String> methods) {
		List<String> list = new ArrayList<>();
		patterns.forEach(list::add);
		for (String pattern : GrpcMethodSecurity.unmatchedPatterns(list, methods)) {
			logger.warn("gRPC method pattern '" + pattern + "' in " + property + " matches no method this server serves");
		}
	}

}
