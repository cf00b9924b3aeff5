package dev.grpcplatform.starter.testing;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.grpcplatform.starter.client.GrpcChannelCustomizer;
import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;

/**
 * A real plaintext server on a free loopback port whose health check fails with
 * {@code UNAVAILABLE} once and then answers {@code SERVING}: a check succeeds only on a channel
 * that retries, which shows whether a channel customizer reached the channel.
 */
public final class UnavailableOnceServer implements AutoCloseable {

	private final Server server;

	private UnavailableOnceServer(Server server) {
		this.server = server;
	}

	/**
	 * Starts a server.
	 * @return the running server
	 * @throws IOException if it cannot bind
	 */
	public static UnavailableOnceServer start() throws IOException {
		AtomicInteger calls = new AtomicInteger();
		return new UnavailableOnceServer(Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
			.addService(new HealthGrpc.HealthImplBase() {

				@Override
				public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> responses) {
					if (calls.getAndIncrement() == 0) {
						responses.onError(Status.UNAVAILABLE.withDescription("going away").asRuntimeException());
						return;
					}
					responses.onNext(HealthCheckResponse.newBuilder().setStatus(ServingStatus.SERVING).build());
					responses.onCompleted();
				}

			})
			.build()
			.start());
	}

	/**
	 * Returns the port the server is bound to.
	 * @return the port
	 */
	public int port() {
		return this.server.getPort();
	}

	/**
	 * Returns a customizer that gives the named channel a service config that retries health checks
	 * failing with {@code UNAVAILABLE}.
	 * @param channel name of the channel to customize
	 * @return the customizer
	 */
	public static GrpcChannelCustomizer retryHealthChecksOf(String channel) {
		Map<String, ?> serviceConfig = Map.of("methodConfig",
				List.of(Map.of("name", List.of(Map.of("service", HealthGrpc.SERVICE_NAME)), "retryPolicy",
						Map.of("maxAttempts", 3.0, "initialBackoff", "0.01s", "maxBackoff", "0.1s", "backoffMultiplier",
								2.0, "retryableStatusCodes", List.of("UNAVAILABLE")))));
		return (name, builder) -> {
			if (channel.equals(name)) {
				builder.defaultServiceConfig(serviceConfig).enableRetry();
			}
		};
	}

	/**
	 * Checks the server's health over the given channel.
	 * @param channel a channel to this server
	 * @return the status answered
	 * @throws io.grpc.StatusRuntimeException if the check fails
	 */
	public static ServingStatus check(Channel channel) {
		return HealthGrpc.newBlockingStub(channel)
			.withDeadlineAfter(5, TimeUnit.SECONDS)
			.check(HealthCheckRequest.getDefaultInstance())
			.getStatus();
	}

	@Override
	public void close() {
		this.server.shutdownNow();
	}

}
