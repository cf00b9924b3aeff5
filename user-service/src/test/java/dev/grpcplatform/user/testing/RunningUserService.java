package dev.grpcplatform.user.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.grpcplatform.proto.user.v1.UserServiceGrpc;
import dev.grpcplatform.starter.client.BearerTokenClientInterceptor;
import dev.grpcplatform.starter.security.DevelopmentTokens;
import dev.grpcplatform.user.UserServiceApplication;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * user-service started as {@code java -jar} would under the {@code dev} profile, with gRPC and the
 * management port on free ports, and plaintext client channels to it.
 */
public final class RunningUserService implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final List<ManagedChannel> channels = new ArrayList<>();

	private ManagedChannel channel;

	private RunningUserService(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Starts the service with the given extra properties ({@code key=value}).
	 * @param properties properties added to the defaults
	 * @return the running service
	 */
	public static RunningUserService start(String... properties) {
		return start(new Class<?>[0], properties);
	}

	/**
	 * Starts the service with extra configuration classes and properties.
	 * @param extraSources configuration classes added to the application
	 * @param properties properties added to the defaults
	 * @return the running service
	 */
	public static RunningUserService start(Class<?>[] extraSources, String... properties) {
		List<Class<?>> sources = new ArrayList<>(List.of(extraSources));
		sources.add(0, UserServiceApplication.class);
		// As command-line arguments: SpringApplicationBuilder.properties() are defaults, which the
		// service's application.yaml would override (its fixed ports among them).
		List<String> args = new ArrayList<>(List.of("grpc.server.port=0", "grpc.server.address=127.0.0.1",
				"server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
				"platform.grpc.health.refresh-interval=200ms", "spring.profiles.active=dev"));
		args.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(sources.toArray(new Class<?>[0]))
			.run(args.stream().map((property) -> "--" + property).toArray(String[]::new));
		return new RunningUserService(context);
	}

	public ConfigurableApplicationContext context() {
		return this.context;
	}

	public int grpcPort() {
		return this.context.getEnvironment().getRequiredProperty("local.grpc.port", Integer.class);
	}

	public int managementPort() {
		return this.context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	/**
	 * Returns a channel to the service, shared by the callers of this method; closed with the service.
	 * @return the channel
	 */
	public synchronized ManagedChannel channel() {
		if (this.channel == null) {
			this.channel = newChannel();
		}
		return this.channel;
	}

	/**
	 * Opens a new plaintext channel to the service whose calls carry a development token with the
	 * scopes users:read and users:write; closed with the service.
	 * @return the channel
	 */
	public ManagedChannel newChannel() {
		return newChannel(DevelopmentTokens.mint("test-client", "users:read", "users:write"));
	}

	/**
	 * Opens a new plaintext channel to the service whose calls carry the given bearer token, or no
	 * credentials at all when it is {@code null}; closed with the service.
	 * @param token bearer token, or {@code null}
	 * @return the channel
	 */
	public synchronized ManagedChannel newChannel(String token) {
		NettyChannelBuilder builder = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort()).usePlaintext();
		if (token != null) {
			builder.intercept(BearerTokenClientInterceptor.of(token));
		}
		ManagedChannel newChannel = builder.build();
		this.channels.add(newChannel);
		return newChannel;
	}

	public UserServiceGrpc.UserServiceBlockingStub blockingStub() {
		return UserServiceGrpc.newBlockingStub(channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
	}

	public UserServiceGrpc.UserServiceStub asyncStub() {
		return UserServiceGrpc.newStub(channel());
	}

	/**
	 * Returns the overall ("") gRPC health status.
	 * @return the status
	 */
	public ServingStatus grpcHealth() {
		return HealthGrpc.newBlockingStub(channel())
			.withDeadlineAfter(10, TimeUnit.SECONDS)
			.check(HealthCheckRequest.newBuilder().setService("").build())
			.getStatus();
	}

	/**
	 * Returns the HTTP status of Actuator's readiness endpoint on the management port.
	 * @return the status code (200 ready, 503 not)
	 */
	public int actuatorReadiness() {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + managementPort() + "/actuator/health/readiness"))
			.timeout(Duration.ofSeconds(10))
			.build();
		try {
			return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
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
