package dev.grpcplatform.starter.boot4.shutdown;

import java.util.LinkedHashSet;

import dev.grpcplatform.starter.server.PlatformInterceptorOrder;
import dev.grpcplatform.starter.shutdown.GracefulServerShutdown;
import dev.grpcplatform.starter.shutdown.GrpcShutdownProperties;
import dev.grpcplatform.starter.shutdown.InFlightCallTracker;
import io.grpc.Server;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.grpc.server.lifecycle.GrpcServerShutdownEvent;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * graceful shutdown of the gRPC server.
 *
 * <p>Takes over from spring-grpc's {@code GrpcServerLifecycle} when it stops the server: it would
 * call {@code shutdown()}, wait {@code spring.grpc.server.shutdown.grace-period} and then
 * {@code shutdownNow()}, which resets the open streams (clients see {@code CANCELLED}); here the
 * whole sequence runs when it announces the shutdown ({@link GrpcServerShutdownEvent}), and the
 * calls still open after {@code platform.grpc.shutdown.grace-period} get {@code UNAVAILABLE}, which
 * clients retry elsewhere.
 */
@AutoConfiguration
@ConditionalOnClass({ Server.class, GlobalServerInterceptor.class, GrpcServerShutdownEvent.class })
@ConditionalOnProperty(prefix = "platform.grpc.shutdown", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(GrpcShutdownProperties.class)
public final class GrpcShutdownAutoConfiguration {

	@Bean
	@GlobalServerInterceptor
	@Order(PlatformInterceptorOrder.SHUTDOWN)
	@ConditionalOnMissingBean
	InFlightCallTracker grpcInFlightCallTracker() {
		return new InFlightCallTracker();
	}

	@Bean
	@ConditionalOnMissingBean
	GracefulServerShutdown grpcGracefulServerShutdown(InFlightCallTracker grpcInFlightCallTracker,
			GrpcShutdownProperties properties) {
		return new GracefulServerShutdown(grpcInFlightCallTracker, properties.getGracePeriod(),
				new LinkedHashSet<>(properties.getCloseImmediately()));
	}

}
