package dev.grpcplatform.starter.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import dev.grpcplatform.starter.client.BearerTokenClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot gRPC application started for a test on the wire: its gRPC server on a free loopback
 * port, plaintext client channels to it (with a bearer token when asked), stopped gracefully on
 * {@link #close()}.
 *
 * <p>Works on either Boot line: it asks both net.devh ({@code grpc.server.*}) and Spring Boot's gRPC
 * ({@code spring.grpc.server.*}) for port 0 on 127.0.0.1, and reads the bound port from
 * {@code local.grpc.port}, which the platform sets on both. Properties are passed as command-line
 * arguments, so they win over the application's own {@code application.yaml}; a key given twice
 * keeps its last value.
 */
public final class RunningGrpcApplication implements AutoCloseable {

	/**
	 * Property the platform sets to the port its gRPC server is bound to.
	 */
	public static final String LOCAL_GRPC_PORT = "local.grpc.port";

	private static final List<String> GRPC_ON_FREE_LOOPBACK_PORT = List.of("grpc.server.port=0",
			"grpc.server.address=127.0.0.1", "spring.grpc.server.port=0", "spring.grpc.server.address=127.0.0.1",
			"spring.main.banner-mode=off");

	private static final List<String> WEB_ON_FREE_LOOPBACK_PORT = List.of("server.port=0", "server.address=127.0.0.1");

	private final ConfigurableApplicationContext context;

	private final @Nullable String bearerToken;

	private final List<ManagedChannel> channels = new ArrayList<>();

	private @Nullable ManagedChannel sharedChannel;

	private RunningGrpcApplication(ConfigurableApplicationContext context, @Nullable String bearerToken) {
		this.context = context;
		this.bearerToken = bearerToken;
	}

	/**
	 * Starts an application from the given sources, without a web server.
	 * @param sources configuration classes
	 * @param properties properties ({@code key=value})
	 * @return the running application
	 */
	public static RunningGrpcApplication start(Class<?>[] sources, String... properties) {
		return builder(sources).properties(properties).start();
	}

	/**
	 * Returns a builder for an application from the given sources.
	 * @param sources configuration classes
	 * @return the builder
	 */
	public static Builder builder(Class<?>... sources) {
		return new Builder(sources);
	}

	/**
	 * Returns a TCP port that was free a moment ago, for a test that must know a port before the
	 * application starts (a client channel configured by property).
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
	 * Returns the application context.
	 * @return the context
	 */
	public ConfigurableApplicationContext context() {
		return this.context;
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
	 * Returns the port the gRPC server is bound to.
	 * @return the port
	 */
	public int port() {
		return this.context.getEnvironment().getRequiredProperty(LOCAL_GRPC_PORT, Integer.class);
	}

	/**
	 * Returns the port of the web server (see {@link Builder#withWebServer()}).
	 * @return the port
	 */
	public int webPort() {
		return this.context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	/**
	 * Returns a plaintext channel with the {@link Builder#bearerToken default token} (if any),
	 * shared by the callers of this method; closed with the application.
	 * @return the channel
	 */
	public synchronized ManagedChannel channel() {
		if (this.sharedChannel == null) {
			this.sharedChannel = newChannel();
		}
		return this.sharedChannel;
	}

	/**
	 * Opens a new plaintext channel with the {@link Builder#bearerToken default token} (if any);
	 * closed with the application.
	 * @return the channel
	 */
	public ManagedChannel newChannel() {
		return newChannel(this.bearerToken);
	}

	/**
	 * Opens a new plaintext channel whose calls carry the given bearer token, or no credentials when
	 * it is {@code null}; closed with the application.
	 * @param bearerToken token for the {@code authorization} header, or {@code null}
	 * @return the channel
	 */
	public ManagedChannel newChannel(@Nullable String bearerToken) {
		return newChannel(bearerToken, UnaryOperator.identity());
	}

	/**
	 * Opens a new plaintext channel like {@link #newChannel(String)}, with the given changes to its
	 * builder (flow control, message sizes); closed with the application.
	 * @param bearerToken token for the {@code authorization} header, or {@code null}
	 * @param customizer changes to the channel's builder
	 * @return the channel
	 */
	public synchronized ManagedChannel newChannel(@Nullable String bearerToken,
			UnaryOperator<NettyChannelBuilder> customizer) {
		NettyChannelBuilder builder = NettyChannelBuilder.forAddress("127.0.0.1", port())
			.usePlaintext()
			.maxInboundMessageSize(32 * 1024 * 1024);
		if (bearerToken != null) {
			builder.intercept(BearerTokenClientInterceptor.of(bearerToken));
		}
		ManagedChannel channel = customizer.apply(builder).build();
		this.channels.add(channel);
		return channel;
	}

	/**
	 * Asks the application's {@code grpc.health.v1.Health} service for the status of a service.
	 * @param service the service name, {@code ""} for the server as a whole
	 * @return the status
	 */
	public ServingStatus health(String service) {
		return HealthGrpc.newBlockingStub(channel())
			.withDeadlineAfter(10, TimeUnit.SECONDS)
			.check(HealthCheckRequest.newBuilder().setService(service).build())
			.getStatus();
	}

	/**
	 * Sends {@code GET} for the given path to the web server (see {@link Builder#withWebServer()}).
	 * @param path the path, e.g. {@code /actuator/health/readiness}
	 * @return the HTTP status code
	 */
	public int httpStatus(String path) {
		return status(webPort(), path);
	}

	/**
	 * Sends {@code GET} for the given path to the management server: its own port
	 * ({@code management.server.port}) when it has one, else the web server.
	 * @param path the path, e.g. {@code /actuator/health/readiness}
	 * @return the HTTP status code
	 */
	public int managementStatus(String path) {
		Integer port = this.context.getEnvironment().getProperty("local.management.port", Integer.class);
		return status((port != null) ? port : webPort(), path);
	}

	private static int status(int port, String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(10))
			.build();
		try {
			return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Closes the application context (the gRPC server shuts down gracefully), then the channels.
	 */
	@Override
	public void close() {
		try {
			if (this.context.isActive()) {
				this.context.close();
			}
		}
		finally {
			closeChannels();
		}
	}

	private synchronized void closeChannels() {
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

	/**
	 * Builder of a {@link RunningGrpcApplication}.
	 */
	public static final class Builder {

		private final Class<?>[] sources;

		private final Map<String, String> properties = new LinkedHashMap<>();

		private boolean webServer;

		private @Nullable String bearerToken;

		private Builder(Class<?>[] sources) {
			this.sources = sources.clone();
			GRPC_ON_FREE_LOOPBACK_PORT.forEach(this::property);
		}

		/**
		 * Adds properties; a key given again replaces its earlier value.
		 * @param properties properties ({@code key=value})
		 * @return this builder
		 */
		public Builder properties(String... properties) {
			for (String property : properties) {
				property(property);
			}
			return this;
		}

		/**
		 * Starts a web server on a free loopback port as well (Actuator endpoints over HTTP), the
		 * application's web application type as Spring Boot deduces it.
		 * @return this builder
		 */
		public Builder withWebServer() {
			this.webServer = true;
			WEB_ON_FREE_LOOPBACK_PORT.forEach(this::property);
			return this;
		}

		/**
		 * Sets the bearer token of {@link RunningGrpcApplication#channel()} and
		 * {@link RunningGrpcApplication#newChannel()}.
		 * @param bearerToken the token
		 * @return this builder
		 */
		public Builder bearerToken(String bearerToken) {
			this.bearerToken = bearerToken;
			return this;
		}

		/**
		 * Starts the application.
		 * @return the running application
		 */
		public RunningGrpcApplication start() {
			SpringApplicationBuilder application = new SpringApplicationBuilder(this.sources);
			if (!this.webServer) {
				application.web(WebApplicationType.NONE);
			}
			String[] args = this.properties.entrySet()
				.stream()
				.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
				.toArray(String[]::new);
			return new RunningGrpcApplication(application.run(args), this.bearerToken);
		}

		private void property(String property) {
			int separator = property.indexOf('=');
			if (separator <= 0) {
				throw new IllegalArgumentException("Expected key=value but got '" + property + "'");
			}
			this.properties.put(property.substring(0, separator), property.substring(separator + 1));
		}

	}

}
