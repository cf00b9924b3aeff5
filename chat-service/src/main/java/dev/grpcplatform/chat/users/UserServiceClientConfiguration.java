package dev.grpcplatform.chat.users;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.grpcplatform.proto.user.v1.UserServiceGrpc;
import dev.grpcplatform.starter.client.GrpcChannelCustomizer;
import dev.grpcplatform.starter.client.GrpcChannels;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The user-service client: a stub on the platform's channel {@code user-service}, on either Spring
 * Boot line (its address and transport: {@code spring.grpc.client.channel.user-service.*} on 4.1,
 * {@code grpc.client.user-service.*} on 3.5), with a retry policy for {@code UNAVAILABLE} and
 * round_robin, which neither base sets from its properties alike.
 */
@Configuration(proxyBeanMethods = false)
class UserServiceClientConfiguration {

	static final String CHANNEL = "user-service";

	@Bean
	UserServiceGrpc.UserServiceFutureStub userServiceStub(GrpcChannels channels) {
		return UserServiceGrpc.newFutureStub(channels.channel(CHANNEL));
	}

	@Bean
	GrpcChannelCustomizer userServiceRetryCustomizer(UserLookupProperties properties) {
		Map<String, ?> serviceConfig = retryServiceConfig(properties);
		return (name, builder) -> {
			if (CHANNEL.equals(name)) {
				builder.defaultServiceConfig(serviceConfig).enableRetry();
			}
		};
	}

	/**
	 * The service config (gRFC A6) of the channel: round_robin over every address of the target,
	 * and retry lookups that fail with UNAVAILABLE (an instance going away, a connection refused),
	 * which round_robin sends to the next instance.
	 */
	static Map<String, ?> retryServiceConfig(UserLookupProperties properties) {
		Map<String, Object> methodConfig = new LinkedHashMap<>();
		methodConfig.put("name", List.of(Map.of("service", UserServiceGrpc.SERVICE_NAME)));
		// gRPC accepts a retry policy only with at least two attempts.
		if (properties.getMaxAttempts() > 1) {
			long initialBackoff = properties.getInitialBackoff().toMillis();
			methodConfig.put("retryPolicy",
					Map.of("maxAttempts", (double) properties.getMaxAttempts(), "initialBackoff", seconds(initialBackoff),
							"maxBackoff", seconds(Math.max(initialBackoff, 1000)), "backoffMultiplier", 2.0,
							"retryableStatusCodes", List.of("UNAVAILABLE")));
		}
		return Map.of("loadBalancingConfig", List.of(Map.of("round_robin", Map.of())), "methodConfig",
				List.of(methodConfig));
	}

	private static String seconds(long millis) {
		return (millis / 1000) + "." + String.format("%03d", millis % 1000) + "s";
	}

}
