package dev.grpcplatform.starter.boot3.tracing;

import dev.grpcplatform.starter.boot3.PlatformDefaultsEnvironmentPostProcessor;
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

import net.devh.boot.grpc.client.interceptor.GrpcGlobalClientInterceptor;
import net.devh.boot.grpc.server.interceptor.GrpcGlobalServerInterceptor;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of
 * OpenTelemetry tracing of gRPC server and client calls.
 *
 * <p>Uses the application's {@link OpenTelemetry} bean (Spring Boot creates one when the SDK is on the
 * class path), or else {@link GlobalOpenTelemetry} (set by the OpenTelemetry Java agent, for example).
 * {@code PlatformDefaultsEnvironmentPostProcessor} turns off net.devh's Micrometer Observation
 * interceptors ({@code management.tracing.grpc.enabled=false}) while this is enabled, so that no call
 * gets two spans.
 */
@AutoConfiguration(afterName = "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration")
@ConditionalOnClass({ OpenTelemetry.class, ServerStreamTracer.class })
@ConditionalOnProperty(prefix = "platform.grpc.tracing", name = "enabled", matchIfMissing = true)
public final class GrpcTracingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GrpcTracing grpcTracing(ObjectProvider<OpenTelemetry> openTelemetry) {
		return new GrpcTracing(openTelemetry.getIfUnique(GlobalOpenTelemetry::get));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ GrpcServerConfigurer.class, GrpcGlobalServerInterceptor.class })
	static class ServerTracingConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TracingServerStreamTracerFactory grpcTracingServerStreamTracerFactory(GrpcTracing grpcTracing) {
			return new TracingServerStreamTracerFactory(grpcTracing);
		}

		// First of the platform's stream tracers: the access log reads the span from the context.
		@Bean
		@Order(PlatformInterceptorOrder.OBSERVABILITY)
		GrpcServerConfigurer grpcServerTracingConfigurer(GrpcTracing grpcTracing,
				TracingServerStreamTracerFactory grpcTracingServerStreamTracerFactory) {
			return (builder) -> {
				if (grpcTracing.isEnabled()) {
					builder.addStreamTracerFactory(grpcTracingServerStreamTracerFactory);
				}
			};
		}

		@Bean
		@GrpcGlobalServerInterceptor
		@Order(PlatformInterceptorOrder.OBSERVABILITY)
		@ConditionalOnMissingBean
		TracingServerInterceptor grpcTracingServerInterceptor(GrpcTracing grpcTracing) {
			return new TracingServerInterceptor(grpcTracing);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(GrpcGlobalClientInterceptor.class)
	static class ClientTracingConfiguration {

		@Bean
		@GrpcGlobalClientInterceptor
		@Order(PlatformInterceptorOrder.OBSERVABILITY)
		@ConditionalOnMissingBean
		TracingClientInterceptor grpcTracingClientInterceptor(GrpcTracing grpcTracing) {
			return new TracingClientInterceptor(grpcTracing);
		}

	}

}
