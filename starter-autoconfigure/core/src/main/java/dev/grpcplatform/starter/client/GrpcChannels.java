package dev.grpcplatform.starter.client;

import io.grpc.Channel;

/**
 * Channels by name, on either Spring Boot line: the one way application code of a platform service
 * asks for a channel to another service, whichever gRPC base the application runs on.
 *
 * <p>The name selects the base's channel settings: {@code grpc.client.<name>.*} with the Spring Boot
 * 3.5 edge (net.devh), {@code spring.grpc.client.channel.<name>.*} with the Spring Boot 4.1 edge. The
 * channel carries what the platform adds to every channel: the credentials of
 * {@code platform.grpc.client.channels.<name>}, client metrics and tracing. Asking twice for a name
 * returns the same channel; channels are shut down when the application context closes.
 */
@FunctionalInterface
public interface GrpcChannels {

	/**
	 * Returns the channel of the given name.
	 * @param name the channel's name in the base's client configuration
	 * @return the channel
	 */
	Channel channel(String name);

}
