package dev.grpcplatform.chat.testing;

import dev.grpcplatform.chat.ChatServiceApplication;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

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
	 * Keeps a channel's HTTP/2 flow-control window at 64 KiB (no automatic tuning), as a client on a
	 * slow network keeps it; for {@link RunningGrpcApplication#newChannel(String, java.util.function.UnaryOperator)}.
	 * @param builder the channel's builder
	 * @return the builder
	 */
	public static NettyChannelBuilder smallFlowControlWindow(NettyChannelBuilder builder) {
		return builder.flowControlWindow(64 * 1024);
	}

}
