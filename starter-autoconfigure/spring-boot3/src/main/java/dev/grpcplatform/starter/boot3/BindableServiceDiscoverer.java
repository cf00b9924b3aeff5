package dev.grpcplatform.starter.boot3;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;

import org.springframework.context.ApplicationContext;

import net.devh.boot.grpc.server.interceptor.GlobalServerInterceptorRegistry;
import net.devh.boot.grpc.server.service.AnnotationGrpcServiceDiscoverer;
import net.devh.boot.grpc.server.service.GrpcServiceDefinition;

/**
 * Serves every {@link BindableService} bean, as Spring Boot 4's gRPC server does: the beans
 * annotated with net.devh's {@code @GrpcService} as net.devh serves them (with the annotation's
 * interceptors), and every other service bean with the global interceptors. A service declared as a
 * plain Spring bean so works on both Boot lines.
 */
final class BindableServiceDiscoverer extends AnnotationGrpcServiceDiscoverer {

	private ApplicationContext context;

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) {
		super.setApplicationContext(applicationContext);
		this.context = applicationContext;
	}

	@Override
	public Collection<GrpcServiceDefinition> findGrpcServices() {
		List<GrpcServiceDefinition> definitions = new ArrayList<>(super.findGrpcServices());
		Set<String> annotated = new HashSet<>();
		definitions.forEach((definition) -> annotated.add(definition.getBeanName()));
		GlobalServerInterceptorRegistry interceptors = this.context.getBean(GlobalServerInterceptorRegistry.class);
		for (String name : this.context.getBeanNamesForType(BindableService.class)) {
			if (annotated.contains(name)) {
				continue;
			}
			BindableService service = this.context.getBean(name, BindableService.class);
			ServerServiceDefinition definition = ServerInterceptors.interceptForward(service.bindService(),
					interceptors.getServerInterceptors());
			definitions.add(new GrpcServiceDefinition(name, service.getClass(), definition));
		}
		return definitions;
	}

}
