package dev.grpcplatform.chat.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.grpcplatform.chat.ChatServiceApplication;
import dev.grpcplatform.starter.client.BearerTokenClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * chat-service started as {@code java -jar} would under the {@code dev} profile, with gRPC and the
 * management port on free ports, and plaintext client channels to it.
 */
public final class RunningChatService implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final List<ManagedChannel> channels = new ArrayList<>();

	private RunningChatService(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Starts the service with the given extra properties ({@code key=value}).
	 * @param properties properties added to the defaults
	 * @return the running service
	 */
	public static RunningChatService start(String... properties) {
		// As command-line arguments, so that they win over the service's application.yaml.
		List<String> args = new ArrayList<>(List.of("grpc.server.port=0", "grpc.server.address=127.0.0.1",
				"server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
				"platform.grpc.health.refresh-interval=200ms", "spring.profiles.active=dev"));
		args.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ChatServiceApplication.class)
			.run(args.stream().map((property) -> "--" + property).toArray(String[]::new));
		return new RunningChatService(context);
	}

	public ConfigurableApplicationContext context() {
		return this.context;
	}

	public int grpcPort() {
		return this.context.getEnvironment().getRequiredProperty("local.grpc.port", Integer.class);
	}

	/**
	 * Opens a new plaintext channel to the service whose calls carry the given bearer token, or no
	 * credentials when it is {@code null}; closed with the service.
	 * @param token bearer token, or {@code null}
	 * @return the channel
	 */
	public synchronized ManagedChannel newChannel(String token) {
		NettyChannelBuilder builder = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort()).usePlaintext();
		if (token != null) {
			builder.intercept(BearerTokenClientInterceptor.of(token));
		}
		ManagedChannel channel = builder.build();
		this.channels.add(channel);
		return channel;
	}

	/**
	 * Opens a channel like {@link #newChannel(String)} whose HTTP/2 flow-control window stays at
	 * 64 KiB (no automatic tuning), as a client on a slow network keeps it.
	 * @param token bearer token
	 * @return the channel
	 */
	public synchronized ManagedChannel newSmallWindowChannel(String token) {
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort())
			.usePlaintext()
			.flowControlWindow(64 * 1024)
			.intercept(BearerTokenClientInterceptor.of(token))
			.build();
		this.channels.add(channel);
		return channel;
	}

	@Override
	public void close() {
		try {
			if (this.context.isActive()) {
				this.context.close();
			}
		}
		finally {
			for (ManagedChannel each : this.channels) {
				each.shutdownNow();
				try {
					each.awaitTermination(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}
	}

}
