package dev.grpcplatform.chat.users;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.grpcplatform.proto.user.v1.UserServiceGrpc;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import net.devh.boot.grpc.client.channelfactory.GrpcChannelConfigurer;
import net.devh.boot.grpc.client.channelfactory.GrpcChannelFactory;

/**
 * The user-service client: a stub on net.devh's channel {@code user-service}
 * ({@code grpc.client.user-service.*}: address, transport, load balancing), with a retry policy
 * for {@code UNAVAILABLE} that net.devh has no property for.
 */
@Configuration(proxyBeanMethods = false)
class UserServiceClientConfiguration {

	static final String CHANNEL = "user-service";

	@Bean
	UserServiceGrpc.UserServiceFutureStub userServiceStub(GrpcChannelFactory channelFactory) {
		return UserServiceGrpc.newFutureStub(channelFactory.createChannel(CHANNEL));
	}

	@Bean
	GrpcChannelConfigurer userServiceRetryConfigurer(UserLookupProperties properties) {
		Map<String, ?> serviceConfig = retryServiceConfig(properties);
		return (builder, name) -> {
			if (CHANNEL.equals(name)) {
				builder.defaultServiceConfig(serviceConfig).enableRetry();
			}
		};
	}

	/**
	 * The service config (gRFC A6) of the channel: retry lookups that fail with UNAVAILABLE (an
	 * instance going away, a connection refused), which round_robin sends to the next instance.
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
		return Map.of("methodConfig", List.of(methodConfig));
	}

	private static String seconds(long millis) {
		return (millis / 1000) + "." + String.format("%03d", millis % 1000) + "s";
	}

}
