package dev.grpcplatform.starter.boot4.tracing;

import dev.grpcplatform.starter.boot4.PlatformServerBuilderCustomizer;
import dev.grpcplatform.starter.server.PlatformInterceptorOrder;
import dev.grpcplatform.starter.tracing.GrpcTracing;
import dev.grpcplatform.starter.tracing.TracingClientInterceptor;
import dev.grpcplatform.starter.tracing.TracingServerInterceptor;
import dev.grpcplatform.starter.tracing.TracingServerStreamTracerFactory;
import io.grpc.ServerStreamTracer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.client.GlobalClientInterceptor;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.grpc.server.ServerBuilderCustomizer;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of
 * OpenTelemetry tracing of gRPC server and client calls.
 *
 * <p>Uses the application's {@link OpenTelemetry} bean (Spring Boot creates one when the SDK is on the
 * class path), or else {@link GlobalOpenTelemetry} (set by the OpenTelemetry Java agent, for example).
 * Spring Boot's Micrometer Observation interceptors, which would give every call a second span, are
 * off by default while this is enabled ({@code spring.grpc.server.observation.enabled} and
 * {@code spring.grpc.client.observation.enabled} default to {@code false}).
 */
@AutoConfiguration(afterName = "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration")
@ConditionalOnClass({ OpenTelemetry.class, ServerStreamTracer.class })
@ConditionalOnProperty(prefix = "platform.grpc.tracing", name = "enabled", matchIfMissing = true)
public final class GrpcTracingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GrpcTracing grpcTracing(ObjectProvider<OpenTelemetry> openTelemetry) {
		return new GrpcTracing(openTelemetry.getIfUnique(GlobalOpenTelemetry::get));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ServerBuilderCustomizer.class, GlobalServerInterceptor.class })
	static class ServerTracingConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TracingServerStreamTracerFactory grpcTracingServerStreamTracerFactory(GrpcTracing grpcTracing) {
			return new TracingServerStreamTracerFactory(grpcTracing);
		}

		// First of the platform's stream tracers: the access log reads the span from the context.
		@Bean
		@Order(PlatformInterceptorOrder.OBSERVABILITY)
		PlatformServerBuilderCustomizer<?> grpcServerTracingCustomizer(GrpcTracing grpcTracing,
				TracingServerStreamTracerFactory grpcTracingServerStreamTracerFactory) {
			return PlatformServerBuilderCustomizer.of((builder) -> {
				if (grpcTracing.isEnabled()) {
					builder.addStreamTracerFactory(grpcTracingServerStreamTracerFactory);
				}
			});
		}

		@Bean
		@GlobalServerInterceptor
		@Order(PlatformInterceptorOrder.OBSERVABILITY)
		@ConditionalOnMissingBean
		TracingServerInterceptor grpcTracingServerInterceptor(GrpcTracing grpcTracing) {
			return new TracingServerInterceptor(grpcTracing);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(GlobalClientInterceptor.class)
	static class ClientTracingConfiguration {

		@Bean
		@GlobalClientInterceptor
		@Order(PlatformInterceptorOrder.OBSERVABILITY)
		@ConditionalOnMissingBean
		TracingClientInterceptor grpcTracingClientInterceptor(GrpcTracing grpcTracing) {
			return new TracingClientInterceptor(grpcTracing);
		}

	}

}
