package dev.grpcplatform.starter.boot4.test;

import java.time.Duration;
import java.util.List;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.grpc.client.autoconfigure.GrpcChannelFactoryCustomizer;
import org.springframework.boot.util.LambdaSafe;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.grpc.client.InProcessGrpcChannelFactory;
import org.springframework.grpc.server.InProcessGrpcServerFactory;
import org.springframework.grpc.server.ServerBuilderCustomizer;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.grpc.server.service.GrpcServiceConfigurer;
import org.springframework.grpc.server.service.GrpcServiceDiscoverer;

/**
 * Auto-configuration imported by {@link AutoConfigureGrpcInProcess}: an in-process server with the
 * application's services, global interceptors and server builder customizers, its lifecycle (so
 * that the platform's lifecycle listeners, health and shutdown see it), a client channel to it, and
 * the channel name {@value GrpcInProcessContextCustomizer#CHANNEL_NAME} for Spring Boot's in-process
 * channel factory.
 */
@AutoConfiguration(afterName = "org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration")
@ConditionalOnProperty(GrpcInProcessContextCustomizer.SERVER_NAME_PROPERTY)
public final class GrpcInProcessTestAutoConfiguration {

	@Bean
	@ConditionalOnBean({ GrpcServiceDiscoverer.class, GrpcServiceConfigurer.class })
	InProcessGrpcServerFactory grpcInProcessTestServerFactory(Environment environment,
			GrpcServiceDiscoverer serviceDiscoverer, GrpcServiceConfigurer serviceConfigurer,
			ObjectProvider<ServerBuilderCustomizer<?>> customizers) {
		List<ServerBuilderCustomizer<?>> all = customizers.orderedStream().toList();
		// LambdaSafe, as Spring Boot applies customizers: those typed for another builder are skipped.
		ServerBuilderCustomizer<InProcessServerBuilder> applicable = (builder) -> LambdaSafe
			.callbacks(ServerBuilderCustomizer.class, all, builder)
			.invoke((customizer) -> customize(customizer, builder));
		InProcessGrpcServerFactory factory = new InProcessGrpcServerFactory(serverName(environment),
				List.of(applicable));
		serviceDiscoverer.findServices()
			.forEach((service) -> factory.addService(serviceConfigurer.configure(service, factory)));
		return factory;
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static void customize(ServerBuilderCustomizer customizer, InProcessServerBuilder builder) {
		customizer.customize(builder);
	}

	@Bean
	@ConditionalOnBean(InProcessGrpcServerFactory.class)
	GrpcServerLifecycle grpcInProcessTestServerLifecycle(InProcessGrpcServerFactory grpcInProcessTestServerFactory,
			ApplicationEventPublisher eventPublisher) {
		// The platform's graceful shutdown runs when the lifecycle announces the shutdown.
		return new GrpcServerLifecycle(grpcInProcessTestServerFactory, Duration.ZERO, eventPublisher);
	}

	// Spring Boot's in-process channel factory resolves no channel names; this one it resolves.
	@Bean
	GrpcChannelFactoryCustomizer grpcInProcessTestChannelName(Environment environment) {
		String target = "in-process:" + serverName(environment);
		return (factory) -> {
			if (factory instanceof InProcessGrpcChannelFactory inProcess) {
				inProcess.setVirtualTargets(
						(name) -> GrpcInProcessContextCustomizer.CHANNEL_NAME.equals(name) ? target : name);
			}
		};
	}

	@Bean(destroyMethod = "shutdownNow")
	@ConditionalOnMissingBean
	ManagedChannel grpcInProcessChannel(Environment environment) {
		return InProcessChannelBuilder.forName(serverName(environment)).build();
	}

	private static String serverName(Environment environment) {
		return environment.getRequiredProperty(GrpcInProcessContextCustomizer.SERVER_NAME_PROPERTY);
	}

}
