package dev.grpcplatform.starter.boot3.shutdown;

import java.util.LinkedHashSet;

import dev.grpcplatform.starter.internal.GrpcServerLifecycleListener;
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

import net.devh.boot.grpc.server.event.GrpcServerShutdownEvent;
import net.devh.boot.grpc.server.interceptor.GrpcGlobalServerInterceptor;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * graceful shutdown of the gRPC server.
 *
 * <p>Takes over from net.devh's {@code GrpcServerLifecycle} when it stops the server: net.devh
 * would wait {@code grpc.server.shutdown-grace-period} and then reset the open streams, which clients
 * see as {@code CANCELLED}; here they get {@code UNAVAILABLE} and retry elsewhere.
 */
@AutoConfiguration
@ConditionalOnClass({ Server.class, GrpcGlobalServerInterceptor.class, GrpcServerShutdownEvent.class })
@ConditionalOnProperty(prefix = "platform.grpc.shutdown", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(GrpcShutdownProperties.class)
public final class GrpcShutdownAutoConfiguration {

	@Bean
	@GrpcGlobalServerInterceptor
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
