package dev.grpcplatform.starter.boot3.metrics;

import dev.grpcplatform.starter.boot3.PlatformDefaultsEnvironmentPostProcessor;
import dev.grpcplatform.starter.metrics.GrpcClientMetrics;
import dev.grpcplatform.starter.metrics.GrpcServerMetrics;
import dev.grpcplatform.starter.server.PlatformInterceptorOrder;
import io.grpc.ServerStreamTracer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingClientInterceptor;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingServerInterceptor;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import net.devh.boot.grpc.client.interceptor.GrpcGlobalClientInterceptor;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * gRPC server and client metrics (gRFC A66 names) in the application's {@link MeterRegistry}.
 *
 * <p>Replaces what net.devh installs when a registry exists, so that no call is counted twice:
 * Micrometer's {@code MetricCollectingServerInterceptor} and {@code MetricCollectingClientInterceptor}
 * back off because beans of their types exist here (never applied to any call), and
 * {@code PlatformDefaultsEnvironmentPostProcessor} sets {@code grpc.metricsA66Enabled=false} (net.devh's
 * A66 stream tracer and client interceptor) and {@code management.tracing.grpc.enabled=false} (its
 * Observation interceptors, which also record {@code grpc.server} and {@code grpc.client} timers).
 */
@AutoConfiguration(after = { MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class },
		beforeName = { "net.devh.boot.grpc.server.autoconfigure.GrpcServerMetricAutoConfiguration",
				"net.devh.boot.grpc.client.autoconfigure.GrpcClientMetricAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, ServerStreamTracer.class })
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = "platform.grpc.metrics", name = "enabled", matchIfMissing = true)
public final class GrpcMetricsAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(GrpcServerConfigurer.class)
	static class ServerMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		GrpcServerMetrics grpcServerMetrics(MeterRegistry meterRegistry) {
			return new GrpcServerMetrics(meterRegistry);
		}

		@Bean
		@Order(PlatformInterceptorOrder.OBSERVABILITY + 1)
		GrpcServerConfigurer grpcServerMetricsConfigurer(GrpcServerMetrics grpcServerMetrics) {
			return (builder) -> builder.addStreamTracerFactory(grpcServerMetrics);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(GrpcGlobalClientInterceptor.class)
	static class ClientMetricsConfiguration {

		@Bean
		@GrpcGlobalClientInterceptor
		@Order(PlatformInterceptorOrder.OBSERVABILITY)
		@ConditionalOnMissingBean
		GrpcClientMetrics grpcClientMetrics(MeterRegistry meterRegistry) {
			return new GrpcClientMetrics(meterRegistry);
		}

	}

	/**
	 * Beans that only make net.devh's {@code @ConditionalOnMissingBean} Micrometer interceptors back
	 * off. They are not global interceptors, so no call passes through them, and they would record
	 * into an empty registry if anything used them.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ MetricCollectingServerInterceptor.class, MetricCollectingClientInterceptor.class })
	static class NetDevhMetricsReplacementConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MetricCollectingServerInterceptor netDevhServerMetricsReplacedByPlatform() {
			return new MetricCollectingServerInterceptor(new CompositeMeterRegistry());
		}

		@Bean
		@ConditionalOnMissingBean
		MetricCollectingClientInterceptor netDevhClientMetricsReplacedByPlatform() {
			return new MetricCollectingClientInterceptor(new CompositeMeterRegistry());
		}

	}

}
