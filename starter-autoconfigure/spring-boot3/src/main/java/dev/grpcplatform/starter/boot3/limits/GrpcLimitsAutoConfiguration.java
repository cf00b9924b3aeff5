package dev.grpcplatform.starter.boot3.limits;

import dev.grpcplatform.starter.limits.GrpcDeadlinePolicy;
import dev.grpcplatform.starter.limits.GrpcLimitsProperties;
import dev.grpcplatform.starter.limits.GrpcServerExecutor;
import dev.grpcplatform.starter.limits.GrpcServerLimits;
import dev.grpcplatform.starter.limits.MalformedRequestGuard;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnThreading;
import org.springframework.boot.autoconfigure.thread.Threading;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import net.devh.boot.grpc.server.autoconfigure.GrpcServerFactoryAutoConfiguration;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * gRPC server's limits, of a bounded executor for its handlers, of the server's deadline policy and of
 * {@code INVALID_ARGUMENT} for request bytes that do not parse as the method's request type.
 *
 * <p>grpc-java's default executor is an unbounded cached thread pool: under overload it creates a
 * thread per concurrent call. This one is bounded by {@code platform.grpc.limits.executor.max-threads},
 * or uses virtual threads when Spring Boot's virtual threads are enabled on Java 21 or later.
 */
@AutoConfiguration(before = GrpcServerFactoryAutoConfiguration.class)
@ConditionalOnClass({ NettyServerBuilder.class, GrpcServerConfigurer.class })
@ConditionalOnProperty(prefix = "platform.grpc.limits", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(GrpcLimitsProperties.class)
public final class GrpcLimitsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GrpcServerLimits grpcServerLimits(GrpcLimitsProperties properties, GrpcServerExecutor grpcServerExecutor) {
		return new GrpcServerLimits(properties, grpcServerExecutor);
	}

	@Bean
	GrpcServerConfigurer grpcServerLimitsConfigurer(GrpcServerLimits limits) {
		return limits::apply;
	}

	@Bean
	@ConditionalOnMissingBean
	MalformedRequestGuard grpcMalformedRequestGuard() {
		return new MalformedRequestGuard();
	}

	@Bean
	@ConditionalOnMissingBean
	GrpcDeadlinePolicy grpcDeadlinePolicy(GrpcLimitsProperties properties) {
		return new GrpcDeadlinePolicy(properties);
	}

	@Bean
	GrpcServerConfigurer grpcServerRequestPoliciesConfigurer(MalformedRequestGuard malformedRequestGuard,
			GrpcDeadlinePolicy deadlinePolicy) {
		return (builder) -> {
			malformedRequestGuard.install(builder);
			deadlinePolicy.install(builder);
		};
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnThreading(Threading.PLATFORM)
	static class PlatformThreadsExecutorConfiguration {

		@Bean
		@ConditionalOnMissingBean
		GrpcServerExecutor grpcServerExecutor(GrpcLimitsProperties properties) {
			return GrpcServerExecutor.bounded(properties.getExecutor());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnThreading(Threading.VIRTUAL)
	static class VirtualThreadsExecutorConfiguration {

		@Bean
		@ConditionalOnMissingBean
		GrpcServerExecutor grpcServerExecutor() {
			return GrpcServerExecutor.virtualThreads();
		}

	}

}
