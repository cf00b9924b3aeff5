package dev.grpcplatform.starter.health;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcHealthStatusUpdater}.
 */
class GrpcHealthStatusUpdaterTests {

	private final HealthStatusManager manager = new HealthStatusManager();

	private final SwitchableProbes probes = new SwitchableProbes();

	private final GenericApplicationContext context = new GenericApplicationContext();

	private final GrpcHealthStatusUpdater updater = new GrpcHealthStatusUpdater(this.manager, this.probes,
			Duration.ofHours(1), "readiness", "liveness");

	private Server server;

	private ManagedChannel channel;

	@BeforeEach
	void start() throws Exception {
		String name = InProcessServerBuilder.generateName();
		this.server = InProcessServerBuilder.forName(name)
			.directExecutor()
			.addService(this.manager.getHealthService())
			.build()
			.start();
		this.channel = InProcessChannelBuilder.forName(name).directExecutor().build();
		this.updater.setApplicationContext(this.context);
		this.updater.registerServer(this.server);
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.updater.destroy();
		this.channel.shutdownNow();
		this.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
	}

	@Test
	void probeThatThrowsReportsNotServing() {
		this.updater.refresh();
		assertThat(check("")).isEqualTo(ServingStatus.SERVING);
		this.probes.failure.set(true);
		this.updater.refresh();
		assertThat(check("")).isEqualTo(ServingStatus.NOT_SERVING);
		assertThat(check("liveness")).isEqualTo(ServingStatus.NOT_SERVING);
	}

	@Test
	void refusingTrafficHoldsUntilAcceptingEvenIfTheProbesSayReady() {
		this.updater.refresh();
		this.updater.onApplicationEvent(new AvailabilityChangeEvent<>(this, ReadinessState.REFUSING_TRAFFIC));
		this.updater.refresh();
		assertThat(check("")).isEqualTo(ServingStatus.NOT_SERVING);
		this.updater.onApplicationEvent(new AvailabilityChangeEvent<>(this, ReadinessState.ACCEPTING_TRAFFIC));
		this.updater.refresh();
		assertThat(check("")).isEqualTo(ServingStatus.SERVING);
	}

	@Test
	void closingOfAChildContextDoesNotEndServing() {
		this.updater.refresh();
		GenericApplicationContext child = new GenericApplicationContext();
		child.setParent(this.context);
		this.updater.onApplicationEvent(new ContextClosedEvent(child));
		assertThat(check("")).isEqualTo(ServingStatus.SERVING);
	}

	@Test
	void closingOfTheContextEndsServingForGood() {
		this.updater.refresh();
		this.updater.onApplicationEvent(new ContextClosedEvent(this.context));
		this.updater.refresh();
		assertThat(check("")).isEqualTo(ServingStatus.NOT_SERVING);
		assertThat(check("liveness")).isEqualTo(ServingStatus.NOT_SERVING);
	}

	private ServingStatus check(String service) {
		return HealthGrpc.newBlockingStub(this.channel)
			.check(HealthCheckRequest.newBuilder().setService(service).build())
			.getStatus();
	}

	static class SwitchableProbes implements GrpcHealthProbes {

		final AtomicBoolean failure = new AtomicBoolean();

		@Override
		public boolean isReady() {
			return check();
		}

		@Override
		public boolean isLive() {
			return check();
		}

		private boolean check() {
			if (this.failure.get()) {
				throw new IllegalStateException("health check broke");
			}
			return true;
		}

	}

}
