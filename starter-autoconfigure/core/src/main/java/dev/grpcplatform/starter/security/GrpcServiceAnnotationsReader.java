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

/**
 * Reads {@link RequireScopes} from every {@link BindableService} bean into {@link GrpcMethodSecurity}
 * once all beans exist, before the server starts, and warns about configured method patterns that
 * match no served method.
 */
public final class GrpcServiceAnnotationsReader implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(GrpcServiceAnnotationsReader.class);

	private final ListableBeanFactory beanFactory;

	private final GrpcMethodSecurity methodSecurity;

	private final GrpcSecurityProperties properties;

	/**
	 * Creates a reader of the services of the given bean factory.
	 * @param beanFactory bean factory with the service beans
	 * @param methodSecurity method security to register the services' scopes with
	 * @param properties security properties, whose method patterns are checked
	 */
	public GrpcServiceAnnotationsReader(ListableBeanFactory beanFactory, GrpcMethodSecurity methodSecurity,
			GrpcSecurityProperties properties) {
		this.beanFactory = beanFactory;
		this.methodSecurity = methodSecurity;
		this.properties = properties;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<String> methods = new ArrayList<>();
		// Every service bean, annotated for a framework or not: both Boot lines serve them all.
		for (BindableService service : this.beanFactory.getBeansOfType(BindableService.class).values()) {
			ServiceDescriptor descriptor = service.bindService().getServiceDescriptor();
			this.methodSecurity.registerService(AopUtils.getTargetClass(service), descriptor);
			descriptor.getMethods().stream().map(MethodDescriptor::getFullMethodName).forEach(methods::add);
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
