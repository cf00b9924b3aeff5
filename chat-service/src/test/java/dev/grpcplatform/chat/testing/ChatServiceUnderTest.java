package dev.grpcplatform.chat.testing;

import dev.grpcplatform.chat.ChatServiceApplication;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import org.springframework.util.ClassUtils;

/**
 * chat-service started by the shared {@link RunningGrpcApplication} harness as {@code java -jar}
 * would under the {@code dev} profile, gRPC, the application's HTTP port and the management port on
 * free ports.
 */
public final class ChatServiceUnderTest {

	private ChatServiceUnderTest() {
	}

	/**
	 * Starts the service with the given extra properties ({@code key=value}).
	 * @param properties properties added to the defaults
	 * @return the running service
	 */
	public static RunningGrpcApplication start(String... properties) {
		return RunningGrpcApplication.builder(ChatServiceApplication.class)
			.withWebServer()
			// Actuator on a free port of its own, as the application's YAML keeps it apart.
			.properties("platform.grpc.health.refresh-interval=200ms", "spring.profiles.active=dev",
					"management.server.port=0", "management.server.address=127.0.0.1")
			.properties(properties)
			.start();
	}

	/**
	 * Returns the property that points the service's user-service channel at a port on loopback, in
	 * the key of the Spring Boot line the service is built on: net.devh's
	 * {@code grpc.client.user-service.address} on 3.5, Spring Boot's
	 * {@code spring.grpc.client.channel.user-service.target} on 4.1.
	 * @param port the port of user-service (or of a fake)
	 * @return a {@code key=value} property
	 */
	public static String userServiceAddress(int port) {
		String address = "dns:///127.0.0.1:" + port;
		return ClassUtils.isPresent("net.devh.boot.grpc.client.channelfactory.GrpcChannelFactory", null)
				? "grpc.client.user-service.address=" + address
				: "spring.grpc.client.channel.user-service.target=" + address;
	}

	/**
	 * Keeps a channel's HTTP/2 flow-control window at 64 KiB (no automatic tuning), as a client on a
	 * slow network keeps it; for {@link RunningGrpcApplication#newChannel(String, java.util.function.UnaryOperator)}.
	 * @param builder the channel's builder
	 * @return the builder
	 */
	public static NettyChannelBuilder smallFlowControlWindow(NettyChannelBuilder builder) {
		return builder.flowControlWindow(64 * 1024);
	}

}
