package dev.grpcplatform.starter.boot4.metrics;

import dev.grpcplatform.starter.boot4.PlatformServerBuilderCustomizer;
import dev.grpcplatform.starter.metrics.GrpcClientMetrics;
import dev.grpcplatform.starter.metrics.GrpcServerMetrics;
import dev.grpcplatform.starter.server.PlatformInterceptorOrder;
import io.grpc.ServerStreamTracer;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.client.GlobalClientInterceptor;
import org.springframework.grpc.server.ServerBuilderCustomizer;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * gRPC server and client metrics (gRFC A66 names) in the application's {@link MeterRegistry}.
 *
 * <p>The server metrics are a stream tracer added by a {@link ServerBuilderCustomizer}, the client
 * metrics a {@link GlobalClientInterceptor}. Spring Boot's own Micrometer Observation interceptors,
 * which would record every call a second time ({@code grpc.server}, {@code grpc.client} timers),
 * are off by default while this is enabled ({@code spring.grpc.server.observation.enabled} and
 * {@code spring.grpc.client.observation.enabled} default to {@code false}).
 */
@AutoConfiguration(afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, ServerStreamTracer.class })
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = "platform.grpc.metrics", name = "enabled", matchIfMissing = true)
public final class GrpcMetricsAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ServerBuilderCustomizer.class)
	static class ServerMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		GrpcServerMetrics grpcServerMetrics(MeterRegistry meterRegistry) {
			return new GrpcServerMetrics(meterRegistry);
		}

		@Bean
		@Order(PlatformInterceptorOrder.OBSERVABILITY + 1)
		PlatformServerBuilderCustomizer<?> grpcServerMetricsCustomizer(GrpcServerMetrics grpcServerMetrics) {
			return PlatformServerBuilderCustomizer.of((builder) -> builder.addStreamTracerFactory(grpcServerMetrics));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(GlobalClientInterceptor.class)
	static class ClientMetricsConfiguration {

		@Bean
		@GlobalClientInterceptor
		@Order(PlatformInterceptorOrder.OBSERVABILITY)
		@ConditionalOnMissingBean
		GrpcClientMetrics grpcClientMetrics(MeterRegistry meterRegistry) {
			return new GrpcClientMetrics(meterRegistry);
		}

	}

}
