package dev.grpcplatform.starter.health;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.testing.DownstreamHealth;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import dev.grpcplatform.starter.testing.RecordingObserver;
import dev.grpcplatform.starter.testing.TestServers;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for the gRPC health service over a real socket.
 */
class GrpcHealthIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String ECHO_SERVICE = "platform.testing.v1.EchoService";

	@Test
	void overallStatusIsServingOnceTheApplicationIsReady() {
		try (RunningGrpcApplication server = start()) {
			awaitStatus(server.newChannel(), "", ServingStatus.SERVING);
		}
	}

	@Test
	void overallStatusIsNotServingWhileApplicationRunnersStillRun() {
		try (RunningGrpcApplication server = TestServers
			.start(new Class<?>[] { HealthTestApplication.class, StatusDuringRunners.class })) {
			assertThat(server.bean(StatusDuringRunners.class).seen).isEqualTo(ServingStatus.NOT_SERVING);
			awaitStatus(server.newChannel(), "", ServingStatus.SERVING);
		}
	}

	@Test
	void everyServedServiceAndTheReadinessAndLivenessEntriesAreServing() {
		try (RunningGrpcApplication server = start()) {
			ManagedChannel channel = server.newChannel();
			awaitStatus(channel, "", ServingStatus.SERVING);
			assertThat(check(channel, ECHO_SERVICE)).isEqualTo(ServingStatus.SERVING);
			assertThat(check(channel, "grpc.reflection.v1.ServerReflection")).isEqualTo(ServingStatus.SERVING);
			assertThat(check(channel, "readiness")).isEqualTo(ServingStatus.SERVING);
			assertThat(check(channel, "liveness")).isEqualTo(ServingStatus.SERVING);
		}
	}

	@Test
	void unknownServiceIsNotFound() {
		try (RunningGrpcApplication server = start()) {
			ManagedChannel channel = server.newChannel();
			assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> check(channel, "no.such.Service"))
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
		}
	}

	@Test
	void refusingTrafficTurnsReadinessNotServingAtOnceAndAcceptingTurnsItBack() {
		try (RunningGrpcApplication server = start()) {
			ManagedChannel channel = server.newChannel();
			awaitStatus(channel, "", ServingStatus.SERVING);
			AvailabilityChangeEvent.publish(server.context(), ReadinessState.REFUSING_TRAFFIC);
			assertThat(check(channel, "")).isEqualTo(ServingStatus.NOT_SERVING);
			assertThat(check(channel, ECHO_SERVICE)).isEqualTo(ServingStatus.NOT_SERVING);
			assertThat(check(channel, "readiness")).isEqualTo(ServingStatus.NOT_SERVING);
			assertThat(check(channel, "liveness")).isEqualTo(ServingStatus.SERVING);
			AvailabilityChangeEvent.publish(server.context(), ReadinessState.ACCEPTING_TRAFFIC);
			awaitStatus(channel, "", ServingStatus.SERVING);
			assertThat(check(channel, ECHO_SERVICE)).isEqualTo(ServingStatus.SERVING);
		}
	}

	@Test
	void brokenLivenessTurnsOnlyTheLivenessEntryNotServing() {
		try (RunningGrpcApplication server = start()) {
			ManagedChannel channel = server.newChannel();
			awaitStatus(channel, "liveness", ServingStatus.SERVING);
			AvailabilityChangeEvent.publish(server.context(), LivenessState.BROKEN);
			assertThat(check(channel, "liveness")).isEqualTo(ServingStatus.NOT_SERVING);
			assertThat(check(channel, "")).isEqualTo(ServingStatus.SERVING);
			AvailabilityChangeEvent.publish(server.context(), LivenessState.CORRECT);
			awaitStatus(channel, "liveness", ServingStatus.SERVING);
		}
	}

	@Test
	void failingIndicatorInTheReadinessGroupTurnsServingOffAndItsRecoveryTurnsItBackOn() {
		try (RunningGrpcApplication server = start("management.endpoint.health.group.readiness.include=readinessState,downstream",
				"platform.grpc.health.refresh-interval=100ms")) {
			ManagedChannel channel = server.newChannel();
			awaitStatus(channel, "", ServingStatus.SERVING);
			DownstreamHealth downstream = server.bean(DownstreamHealth.class);
			downstream.down();
			awaitStatus(channel, "", ServingStatus.NOT_SERVING);
			assertThat(check(channel, ECHO_SERVICE)).isEqualTo(ServingStatus.NOT_SERVING);
			assertThat(check(channel, "liveness")).isEqualTo(ServingStatus.SERVING);
			downstream.up();
			awaitStatus(channel, "", ServingStatus.SERVING);
		}
	}

	@Test
	void indicatorOutsideTheReadinessGroupDoesNotDecide() {
		try (RunningGrpcApplication server = start("platform.grpc.health.refresh-interval=100ms")) {
			ManagedChannel channel = server.newChannel();
			awaitStatus(channel, "", ServingStatus.SERVING);
			server.bean(DownstreamHealth.class).down();
			// A refresh that sees the indicator down would turn "" NOT_SERVING: force one and check.
			server.bean(GrpcHealthStatusUpdater.class).refresh();
			assertThat(check(channel, "")).isEqualTo(ServingStatus.SERVING);
		}
	}

	@Test
	void withoutActuatorHealthEndpointReadinessFollowsTheAvailabilityState() {
		try (RunningGrpcApplication server = start("management.endpoints.web.exposure.exclude=health",
				"management.endpoint.health.group.readiness.include=readinessState,downstream")) {
			ManagedChannel channel = server.newChannel();
			assertThat(server.bean(GrpcHealthProbes.class)).isInstanceOf(AvailabilityGrpcHealthProbes.class);
			awaitStatus(channel, "", ServingStatus.SERVING);
			AvailabilityChangeEvent.publish(server.context(), ReadinessState.REFUSING_TRAFFIC);
			assertThat(check(channel, "")).isEqualTo(ServingStatus.NOT_SERVING);
		}
	}

	@Test
	void watchStreamsServingThenNotServingAsSoonAsTheContextCloses() throws Exception {
		try (RunningGrpcApplication server = start()) {
			ManagedChannel channel = server.newChannel();
			awaitStatus(channel, "", ServingStatus.SERVING);
			RecordingObserver<HealthCheckResponse> watch = new RecordingObserver<>();
			HealthGrpc.newStub(channel).watch(HealthCheckRequest.newBuilder().setService(ECHO_SERVICE).build(), watch);
			assertThat(watch.next(TIMEOUT).getStatus()).isEqualTo(ServingStatus.SERVING);
			server.context().close();
			assertThat(watch.next(TIMEOUT).getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
			// The shutdown then ends the stream so that the client looks for another instance.
			assertThat(watch.awaitEnd(TIMEOUT).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
		}
	}

	@Test
	void customServiceNamesAreUsedForLivenessAndReadiness() {
		try (RunningGrpcApplication server = start("platform.grpc.health.liveness-service-name=alive",
				"platform.grpc.health.readiness-service-name=ready")) {
			ManagedChannel channel = server.newChannel();
			awaitStatus(channel, "alive", ServingStatus.SERVING);
			awaitStatus(channel, "ready", ServingStatus.SERVING);
			assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> check(channel, "liveness"))
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
		}
	}

	@Test
	void turningPlatformHealthOffLeavesNetDevhHealthThatIgnoresReadiness() {
		try (RunningGrpcApplication server = start("platform.grpc.health.enabled=false")) {
			ManagedChannel channel = server.newChannel();
			AvailabilityChangeEvent.publish(server.context(), ReadinessState.REFUSING_TRAFFIC);
			assertThat(check(channel, "")).isEqualTo(ServingStatus.SERVING);
			assertThat(server.context().getBeansOfType(GrpcHealthStatusUpdater.class)).isEmpty();
		}
	}

	private static RunningGrpcApplication start(String... properties) {
		return TestServers.start(new Class<?>[] { HealthTestApplication.class }, properties);
	}

	private static ServingStatus check(ManagedChannel channel, String service) {
		return HealthGrpc.newBlockingStub(channel)
			.withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
			.check(HealthCheckRequest.newBuilder().setService(service).build())
			.getStatus();
	}

	private static void awaitStatus(ManagedChannel channel, String service, ServingStatus expected) {
		await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(20))
			.ignoreException(StatusRuntimeException.class)
			.until(() -> check(channel, service) == expected);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ EchoGrpcService.class, DownstreamHealth.Registrar.class })
	static class HealthTestApplication {

	}

	/**
	 * Checks the overall status over the wire while application runners run, that is after the
	 * gRPC server started and before the application is ready.
	 */
	static class StatusDuringRunners implements ApplicationRunner {

		private final Environment environment;

		private final GrpcHealthStatusUpdater updater;

		volatile ServingStatus seen;

		StatusDuringRunners(Environment environment, GrpcHealthStatusUpdater updater) {
			this.environment = environment;
			this.updater = updater;
		}

		@Override
		public void run(ApplicationArguments args) throws InterruptedException {
			this.updater.refresh();
			ManagedChannel channel = NettyChannelBuilder
				.forAddress("127.0.0.1", this.environment.getRequiredProperty("local.grpc.port", Integer.class))
				.usePlaintext()
				.build();
			try {
				this.seen = check(channel, "");
			}
			finally {
				channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
			}
		}

	}

}
