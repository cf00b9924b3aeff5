package dev.grpcplatform.user;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.grpcplatform.proto.user.v1.CreateUserRequest;
import dev.grpcplatform.proto.user.v1.GetUserRequest;
import dev.grpcplatform.proto.user.v1.User;
import dev.grpcplatform.proto.user.v1.UserServiceGrpc;
import dev.grpcplatform.starter.client.BearerTokenClientInterceptor;
import dev.grpcplatform.starter.security.DevelopmentTokens;
import dev.grpcplatform.user.testing.StaticAddresses;
import dev.grpcplatform.user.testing.TestDatabase;
import dev.grpcplatform.user.testing.UserServiceProcess;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rolling restart under load: two user-service processes on one PostgreSQL, a client with a retry
 * policy for UNAVAILABLE and round_robin over both addresses sending a steady mix of CreateUser
 * (each with an idempotency key) and GetUser; each process is stopped with SIGTERM and started again
 * in turn, the next one only once the restarted one is SERVING (as a Kubernetes rollout waits for
 * readiness). No call may fail and every user acknowledged must be stored exactly once.
 */
class RollingRestartIntegrationTests {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);

	private static final Duration STEADY_LOAD = Duration.ofSeconds(4);

	private static final int WORKERS = 3;

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void stopAll() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	@Test
	void noCallFailsAndEveryUserIsStoredOnceWhileEachInstanceIsRestartedInTurn() throws Exception {
		long began = System.nanoTime();
		TestDatabase database = TestDatabase.start();
		this.resources.add(database);
		UserServiceProcess first = UserServiceProcess.create("a", database.properties());
		UserServiceProcess second = UserServiceProcess.create("b", database.properties());
		this.resources.add(first);
		this.resources.add(second);
		// One after the other: both would otherwise run the schema migrations at once.
		first.startAndAwaitServing(START_TIMEOUT);
		second.startAndAwaitServing(START_TIMEOUT);

		ManagedChannel channel = NettyChannelBuilder.forTarget(StaticAddresses.target(first.grpcPort(), second.grpcPort()))
			.usePlaintext()
			.defaultServiceConfig(serviceConfig())
			.enableRetry()
			.build();
		this.resources.add(channel::shutdownNow);
		Load load = new Load(channel);
		load.start();

		Thread.sleep(STEADY_LOAD.toMillis());
		List<Integer> exitCodes = new ArrayList<>();
		for (UserServiceProcess instance : List.of(first, second)) {
			long callsBefore = load.calls.get();
			exitCodes.add(instance.terminate(STOP_TIMEOUT));
			instance.startAndAwaitServing(START_TIMEOUT);
			Thread.sleep(STEADY_LOAD.toMillis());
			assertThat(load.calls.get()).as("calls made while %s restarted", instance).isGreaterThan(callsBefore);
		}
		load.stop();
		double seconds = (System.nanoTime() - began) / 1e9;

		long stored = database.queryForLong("SELECT count(*) FROM users");
		long storedDistinct = database.queryForLong("SELECT count(DISTINCT lower(email)) FROM users");
		System.out.printf("Rolling restart under load: %d calls (%d CreateUser, %d GetUser), %d failed, %d attempts "
				+ "retried, %d users acknowledged, %d stored, %d duplicates, exit codes after SIGTERM %s, %.1f s%n",
				load.calls.get(), load.creates.get(), load.reads.get(), load.failures.size(), load.retries.get(),
				load.acknowledged.size(), stored, stored - storedDistinct, exitCodes, seconds);
		assertThat(load.failures).as("failed calls").isEmpty();
		assertThat(load.creates.get()).isPositive();
		assertThat(load.reads.get()).isPositive();
		assertThat(stored).as("users stored").isEqualTo(load.acknowledged.size()).isEqualTo(storedDistinct);
		assertThat(database.queryForLong("SELECT count(*) FROM users WHERE idempotency_key IS NULL")).isZero();
		for (String instanceLog : List.of(first.log(), second.log())) {
			assertThat(instanceLog).contains("gRPC server shutting down");
		}
	}

	/**
	 * gRFC A6 service config: round_robin over every address, and up to five attempts of a call that
	 * fails with UNAVAILABLE (an instance going away), as chat-service configures its channel to
	 * user-service.
	 */
	private static Map<String, ?> serviceConfig() {
		Map<String, Object> retryPolicy = Map.of("maxAttempts", 5.0, "initialBackoff", "0.1s", "maxBackoff", "1s",
				"backoffMultiplier", 2.0, "retryableStatusCodes", List.of("UNAVAILABLE"));
		Map<String, Object> methodConfig = Map.of("name", List.of(Map.of("service", UserServiceGrpc.SERVICE_NAME)),
				"retryPolicy", retryPolicy);
		return Map.of("loadBalancingConfig", List.of(Map.of("round_robin", Map.of())), "methodConfig",
				List.of(methodConfig));
	}

	/**
	 * Closed-loop load of a few workers: two CreateUser (new email, new idempotency key) for every
	 * GetUser of a user acknowledged before.
	 */
	private static final class Load {

		final AtomicLong calls = new AtomicLong();

		final AtomicLong creates = new AtomicLong();

		final AtomicLong reads = new AtomicLong();

		final AtomicLong retries = new AtomicLong();

		final Queue<String> failures = new ConcurrentLinkedQueue<>();

		final Map<String, Long> acknowledged = new ConcurrentHashMap<>();

		private final List<Long> ids = new CopyOnWriteArrayList<>();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final List<Thread> workers = new ArrayList<>();

		private final UserServiceGrpc.UserServiceBlockingStub stub;

		Load(ManagedChannel channel) {
			this.stub = UserServiceGrpc.newBlockingStub(channel)
				.withInterceptors(BearerTokenClientInterceptor.of(DevelopmentTokens.mint("loader", "users:read",
						"users:write")), new AttemptCounter(this.retries));
		}

		void start() {
			for (int w = 0; w < WORKERS; w++) {
				int worker = w;
				Thread thread = new Thread(() -> work(worker), "load-" + w);
				this.workers.add(thread);
				thread.start();
			}
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			for (Thread worker : this.workers) {
				worker.join(TimeUnit.SECONDS.toMillis(60));
			}
		}

		private void work(int worker) {
			for (long n = 0; this.running.get(); n++) {
				this.calls.incrementAndGet();
				// waitForReady: while one instance restarts, a call waits for a connection instead of
				// failing at once when the other is momentarily not READY.
				UserServiceGrpc.UserServiceBlockingStub call = this.stub.withWaitForReady()
					.withDeadlineAfter(30, TimeUnit.SECONDS);
				try {
					if (n % 3 == 2 && !this.ids.isEmpty()) {
						this.reads.incrementAndGet();
						long id = this.ids.get(ThreadLocalRandom.current().nextInt(this.ids.size()));
						User user = call.getUser(GetUserRequest.newBuilder().setId(id).build()).getUser();
						if (user.getId() != id) {
							this.failures.add("GetUser " + id + " answered user " + user.getId());
						}
					}
					else {
						this.creates.incrementAndGet();
						String email = "user-" + worker + "-" + n + "@example.com";
						User user = call.createUser(CreateUserRequest.newBuilder()
							.setName("User " + worker + "-" + n)
							.setEmail(email)
							.setIdempotencyKey("rolling-" + worker + "-" + n)
							.build()).getUser();
						if (this.acknowledged.putIfAbsent(email, user.getId()) != null) {
							this.failures.add("CreateUser " + email + " acknowledged twice");
						}
						this.ids.add(user.getId());
					}
				}
				catch (StatusRuntimeException ex) {
					this.failures.add(ex.getStatus().toString());
				}
				try {
					Thread.sleep(5);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}

	}

	/**
	 * Counts the attempts of calls after their first (retries and transparent retries).
	 */
	private record AttemptCounter(AtomicLong retries) implements ClientInterceptor {

		@Override
		public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
				CallOptions callOptions, Channel next) {
			return next.newCall(method, callOptions.withStreamTracerFactory(new ClientStreamTracer.Factory() {

				@Override
				public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
					if (info.getPreviousAttempts() > 0 || info.isTransparentRetry()) {
						AttemptCounter.this.retries.incrementAndGet();
					}
					return new ClientStreamTracer() {
					};
				}

			}));
		}

	}

}
