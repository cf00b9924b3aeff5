package dev.grpcplatform.starter.boot4;

import dev.grpcplatform.starter.internal.GrpcServerLifecycleListener;
import dev.grpcplatform.starter.internal.GrpcServerLifecycleListeners;
import dev.grpcplatform.starter.internal.LocalGrpcPortPublisher;
import dev.grpcplatform.starter.server.GrpcServerBuilderCustomizer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycleEvent;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of what
 * every platform feature shares on Spring Boot 4.1's gRPC server: the one adapter from spring-grpc's
 * server lifecycle to the platform's, the platform's
 * {@link dev.grpcplatform.starter.server.GlobalGrpcServerInterceptor global interceptors} among Spring
 * Boot's, the {@link GrpcServerBuilderCustomizer} beans as a Spring Boot {@code ServerBuilderCustomizer},
 * and {@code local.grpc.port} (Spring Boot's own
 * {@code local.grpc.server.port} exists only with its test module on the class path).
 *
 * <p>Spring Boot serves every {@code BindableService} bean by itself, so no discovery is added here.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration")
@ConditionalOnClass(GrpcServerLifecycleEvent.class)
public final class PlatformServerAutoConfiguration {

	@Bean
	static SpringGrpcServerLifecycleAdapter grpcPlatformServerLifecycleAdapter(
			ObjectProvider<GrpcServerLifecycleListener> listeners) {
		return new SpringGrpcServerLifecycleAdapter(new GrpcServerLifecycleListeners(listeners));
	}

	@Bean
	static GlobalInterceptorRegistrar grpcPlatformGlobalInterceptorRegistrar() {
		return new GlobalInterceptorRegistrar();
	}

	@Bean
	PlatformServerBuilderCustomizer<?> grpcPlatformServerBuilderCustomizers(
			ObjectProvider<GrpcServerBuilderCustomizer> customizers) {
		return PlatformServerBuilderCustomizer
			.of((builder) -> customizers.orderedStream().forEach((customizer) -> customizer.customize(builder)));
	}

	@Bean
	static LocalGrpcPortPublisher grpcLocalPortPublisher(ConfigurableEnvironment environment) {
		return new LocalGrpcPortPublisher(environment);
	}

}
