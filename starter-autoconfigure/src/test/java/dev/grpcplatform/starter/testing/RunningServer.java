package dev.grpcplatform.starter.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A {@link TestGrpcApplication} served by a real Netty server on a free port, and plaintext client
 * channels to it; for tests of behaviour on the wire.
 *
 * <p>Security is on as in an application, but {@code platform.testing.v1.EchoService} is public
 * ({@link #PUBLIC_ECHO}) so that tests of other features call it without a token. Security tests
 * close it again with {@link #NO_PUBLIC_METHODS} or their own {@code public-methods}.
 */
public final class RunningServer implements AutoCloseable {

	/**
	 * Default property that makes the echo service public.
	 */
	public static final String PUBLIC_ECHO = "platform.grpc.security.public-methods=platform.testing.v1.EchoService/*";

	/**
	 * Property that makes no method public but health and reflection, as in an application.
	 */
	public static final String NO_PUBLIC_METHODS = "platform.grpc.security.public-methods=";

	private final ConfigurableApplicationContext context;

	private final List<ManagedChannel> channels = new ArrayList<>();

	private RunningServer(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Starts the test application with the given extra properties ({@code key=value}).
	 * @param properties properties added to the defaults
	 * @return the running server
	 */
	public static RunningServer start(String... properties) {
		return start(new Class<?>[] { TestGrpcApplication.class }, properties);
	}

	/**
	 * Starts an application from the given sources with the given extra properties.
	 * @param sources configuration classes
	 * @param properties properties added to the defaults
	 * @return the running server
	 */
	public static RunningServer start(Class<?>[] sources, String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(sources)
			.web(WebApplicationType.NONE)
			.properties("grpc.server.port=0", "grpc.server.address=127.0.0.1", "spring.main.banner-mode=off",
					PUBLIC_ECHO)
			.properties(properties)
			.run();
		return new RunningServer(context);
	}

	/**
	 * Starts an application from the given sources with a web server on a free port as well (for
	 * Actuator endpoints over HTTP), with the given extra properties.
	 * @param sources configuration classes
	 * @param properties properties added to the defaults
	 * @return the running server
	 */
	public static RunningServer startWithWebServer(Class<?>[] sources, String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(sources)
			.web(WebApplicationType.SERVLET)
			.properties("grpc.server.port=0", "grpc.server.address=127.0.0.1", "spring.main.banner-mode=off",
					"server.port=0", "server.address=127.0.0.1", PUBLIC_ECHO)
			.properties(properties)
			.run();
		return new RunningServer(context);
	}

	/**
	 * Returns a TCP port that was free a moment ago, for a test that must know the gRPC port before
	 * the application starts (a client channel configured by property).
	 * @return the port
	 */
	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Returns the port of the web server started by {@link #startWithWebServer}.
	 * @return the port
	 */
	public int webPort() {
		return this.context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	/**
	 * Returns the application context.
	 * @return the context
	 */
	public ConfigurableApplicationContext context() {
		return this.context;
	}

	/**
	 * Returns the port the gRPC server is bound to.
	 * @return the port
	 */
	public int port() {
		return this.context.getEnvironment().getRequiredProperty("local.grpc.port", Integer.class);
	}

	/**
	 * Returns the bean of the given type.
	 * @param <T> bean type
	 * @param type bean type
	 * @return the bean
	 */
	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	/**
	 * Opens a new plaintext channel to the server; closed with the server.
	 * @return the channel
	 */
	public ManagedChannel newChannel() {
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port())
			.usePlaintext()
			.maxInboundMessageSize(32 * 1024 * 1024)
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
			for (ManagedChannel channel : this.channels) {
				channel.shutdownNow();
				try {
					channel.awaitTermination(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}
	}

}
