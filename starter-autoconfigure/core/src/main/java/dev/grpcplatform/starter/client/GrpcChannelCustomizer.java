package dev.grpcplatform.starter.client;

import io.grpc.ManagedChannelBuilder;

/**
 * Callback that customizes the builder of a channel by its name, on either Spring Boot line: for
 * what the base has no property for, such as a default service config with a retry policy.
 *
 * <p>Declare it as a bean: the Spring Boot 3.5 edge applies it to net.devh's channels (after
 * {@code grpc.client.<name>.*}), the Spring Boot 4.1 edge to Spring Boot's (after
 * {@code spring.grpc.client.channel.<name>.*}), including those {@link GrpcChannels} returns. Beans
 * are applied in their {@link org.springframework.core.annotation.Order order}. A service config
 * given here is replaced by one that Spring Boot 4.1 builds from
 * {@code spring.grpc.client.channel.<name>.service-config.*}, if that is set.
 */
@FunctionalInterface
public interface GrpcChannelCustomizer {

	/**
	 * Customizes the builder of the named channel; called for every channel, so check the name.
	 * @param name the channel's name in the base's client configuration
	 * @param builder the channel's builder
	 */
	void customize(String name, ManagedChannelBuilder<?> builder);

}
