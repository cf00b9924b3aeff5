package dev.grpcplatform.starter.boot4.logging;

import java.util.function.Function;

import dev.grpcplatform.starter.boot4.PlatformServerBuilderCustomizer;
import dev.grpcplatform.starter.internal.GrpcTracingContext;
import dev.grpcplatform.starter.logging.GrpcAccessLog;
import dev.grpcplatform.starter.logging.GrpcLoggingProperties;
import dev.grpcplatform.starter.logging.RequestIdServerInterceptor;
import dev.grpcplatform.starter.server.PlatformInterceptorOrder;
import io.grpc.Context;
import io.grpc.ServerStreamTracer;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.ResourceLoader;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.grpc.server.ServerBuilderCustomizer;
import org.springframework.util.ClassUtils;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of request
 * ids and the access log of the gRPC server.
 */
@AutoConfiguration
@ConditionalOnClass({ ServerStreamTracer.class, ServerBuilderCustomizer.class, GlobalServerInterceptor.class,
		LoggerFactory.class })
@ConditionalOnProperty(prefix = "platform.grpc.logging", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(GrpcLoggingProperties.class)
public final class GrpcLoggingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GrpcAccessLog grpcAccessLog(GrpcLoggingProperties properties, ResourceLoader resourceLoader) {
		GrpcLoggingProperties.AccessLog accessLog = properties.getAccessLog();
		return new GrpcAccessLog(accessLog.getLevel(), properties.getRequestId().getHeader(),
				traceIds(resourceLoader.getClassLoader()), accessLog.getQueueCapacity(), accessLog.getTarget(),
				accessLog.getFormat());
	}

	private static Function<Context, String> traceIds(@Nullable ClassLoader classLoader) {
		// Trace ids come from the platform's tracing, when the OpenTelemetry API is there at all.
		if (ClassUtils.isPresent("io.opentelemetry.api.trace.Span", classLoader)) {
			return GrpcTracingContext::traceId;
		}
		return (context) -> null;
	}

	// After the tracing stream tracer, whose span the access log reports.
	@Bean
	@Order(PlatformInterceptorOrder.OBSERVABILITY + 2)
	PlatformServerBuilderCustomizer<?> grpcAccessLogCustomizer(GrpcAccessLog grpcAccessLog) {
		return PlatformServerBuilderCustomizer.of((builder) -> builder.addStreamTracerFactory(grpcAccessLog));
	}

	@Bean
	@GlobalServerInterceptor
	@Order(PlatformInterceptorOrder.OBSERVABILITY)
	@ConditionalOnMissingBean
	RequestIdServerInterceptor grpcRequestIdServerInterceptor(GrpcLoggingProperties properties) {
		return new RequestIdServerInterceptor(properties.getRequestId().getHeader());
	}

}
