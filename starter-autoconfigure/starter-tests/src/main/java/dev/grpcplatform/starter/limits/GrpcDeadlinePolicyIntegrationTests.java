package dev.grpcplatform.starter.limits;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import dev.grpcplatform.starter.testing.QueueingObserver;
import dev.grpcplatform.starter.testing.TestServers;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoResponse;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The server's deadline policy ({@code platform.grpc.limits.max-deadline}, {@code default-deadline},
 * {@code deadlines.*}) over a real socket: what deadline handlers run with, and how calls end when
 * the server's deadline passes.
 */
class GrpcDeadlinePolicyIntegrationTests {

	private static final String ECHO_SERVICE = "platform.testing.v1.EchoService";

	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	class WithAMaximumADefaultAndAMethodEntry extends DeadlineServer {

		WithAMaximumADefaultAndAMethodEntry() {
			super("platform.grpc.limits.max-deadline=20s", "platform.grpc.limits.default-deadline=8s",
					"platform.grpc.limits.deadlines[" + ECHO_SERVICE + "/EchoStream].default-deadline=3s",
					"platform.grpc.limits.deadlines[" + ECHO_SERVICE + "/Chat].max-deadline=0");
		}

		@Test
		void unaryCallWithoutADeadlineRunsWithTheDefault() {
			assertThat(millis(this.stub.echo(ask()).getText())).isBetween(6_000L, 8_000L);
		}

		@Test
		void callerAskingForMoreThanTheMaximumIsCutToIt() {
			assertThat(millis(this.stub.withDeadlineAfter(1, TimeUnit.HOURS).echo(ask()).getText()))
				.isBetween(18_000L, 20_000L);
		}

		@Test
		void callersShorterDeadlineIsKept() {
			assertThat(millis(this.stub.withDeadlineAfter(4, TimeUnit.SECONDS).echo(ask()).getText()))
				.isBetween(2_000L, 4_000L);
		}

		@Test
		void streamingMethodWhoseMaximumIsRemovedStaysOpenWithoutADeadline() {
			QueueingObserver<EchoResponse> responses = new QueueingObserver<>(new LinkedBlockingQueue<>());
			StreamObserver<EchoRequest> requests = EchoServiceGrpc.newStub(this.channel).chat(responses);
			requests.onNext(ask());
			assertThat(firstText(responses)).isEqualTo("none");
			requests.onCompleted();
		}

		@Test
		void methodEntryGivesAStreamingMethodADefault() {
			Iterator<EchoResponse> responses = this.stub.echoStream(ask());
			assertThat(millis(responses.next().getText())).isBetween(1_000L, 3_000L);
		}

		@Test
		void streamOutlivingTheServersDeadlineEndsWithDeadlineExceededAndItsHandlerIsCancelled() {
			List<EchoResponse> received = new CopyOnWriteArrayList<>();
			Iterator<EchoResponse> responses = this.stub
				.echoStream(EchoRequest.newBuilder().setText("long").setRepeat(1000).setDelayMillis(20).build());
			assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> responses.forEachRemaining(received::add))
				.satisfies((ex) -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
					assertThat(ex.getStatus().getDescription()).isEqualTo(
							"Deadline exceeded: the server ends calls of " + ECHO_SERVICE + "/EchoStream after 3000 ms");
				});
			assertThat(received).isNotEmpty().hasSizeLessThan(1000);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(this.server.bean(EchoGrpcService.class).cancelledStreams).contains("long"));
		}

	}

	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	class WithTheDefaults extends DeadlineServer {

		@Test
		void unaryCallWithoutADeadlineRunsWithThirtySeconds() {
			assertThat(millis(this.stub.echo(ask()).getText())).isBetween(28_000L, 30_000L);
		}

		@Test
		void unaryCallersDeadlineIsKeptHoweverLong() {
			assertThat(millis(this.stub.withDeadlineAfter(2, TimeUnit.HOURS).echo(ask()).getText()))
				.isGreaterThan(TimeUnit.MINUTES.toMillis(100));
		}

		@Test
		void streamingCallWithoutADeadlineStaysOpenWithoutOne() {
			QueueingObserver<EchoResponse> responses = new QueueingObserver<>(new LinkedBlockingQueue<>());
			StreamObserver<EchoRequest> requests = EchoServiceGrpc.newStub(this.channel).chat(responses);
			requests.onNext(ask());
			assertThat(firstText(responses)).isEqualTo("none");
			requests.onCompleted();
		}

	}

	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	class WithServiceAndMethodEntries extends DeadlineServer {

		WithServiceAndMethodEntries() {
			super("platform.grpc.limits.default-deadline=500ms",
					"platform.grpc.limits.deadlines[" + ECHO_SERVICE + "].max-deadline=2s",
					"platform.grpc.limits.deadlines[" + ECHO_SERVICE + "/Chat].default-deadline=1s");
		}

		@Test
		void unaryHandlerOutlivingTheDefaultEndsWithDeadlineExceededFromTheServer() {
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> this.stub.echo(EchoRequest.newBuilder().setText("slow").setDelayMillis(3_000).build()))
				.satisfies((ex) -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
					assertThat(ex.getStatus().getDescription())
						.isEqualTo("Deadline exceeded: the server ends calls of " + ECHO_SERVICE + "/Echo after 500 ms");
				});
		}

		@Test
		void serviceEntryCapsEveryMethodOfTheService() {
			assertThat(millis(this.stub.withDeadlineAfter(1, TimeUnit.HOURS).echo(ask()).getText()))
				.isBetween(1_000L, 2_000L);
		}

		@Test
		void methodEntryOpensAStreamingMethodWithItsOwnDefault() {
			QueueingObserver<EchoResponse> responses = new QueueingObserver<>(new LinkedBlockingQueue<>());
			StreamObserver<EchoRequest> requests = EchoServiceGrpc.newStub(this.channel).chat(responses);
			requests.onNext(ask());
			assertThat(millis(firstText(responses))).isBetween(1L, 1_000L);
			requests.onCompleted();
		}

	}

	@Test
	void negativeMaximumStopsTheApplicationWithAMessageThatNamesTheKey() {
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> TestServers.start(new Class<?>[] { DeadlineTestApplication.class },
					"platform.grpc.limits.max-deadline=-5s"))
			.withStackTraceContaining("platform.grpc.limits.max-deadline must be positive");
	}

	@Test
	void malformedMethodEntryStopsTheApplicationWithAMessageThatNamesTheKey() {
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> TestServers.start(new Class<?>[] { DeadlineTestApplication.class },
					"platform.grpc.limits.deadlines[/Echo].default-deadline=1s"))
			.withStackTraceContaining("platform.grpc.limits.deadlines keys are 'package.Service' or "
					+ "'package.Service/Method', not '/Echo'");
	}

	private static String firstText(QueueingObserver<EchoResponse> responses) {
		try {
			Object first = responses.results().poll(10, TimeUnit.SECONDS);
			assertThat(first).isInstanceOf(EchoResponse.class);
			return ((EchoResponse) first).getText();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static EchoRequest ask() {
		return EchoRequest.newBuilder().setText(DeadlineEchoService.ASK).build();
	}

	private static long millis(String answer) {
		assertThat(answer).as("deadline the handler saw").matches("\\d+");
		return Long.parseLong(answer);
	}

	/**
	 * A server of {@link DeadlineTestApplication} shared by the tests of a nested class.
	 */
	abstract static class DeadlineServer {

		private final String[] properties;

		RunningGrpcApplication server;

		ManagedChannel channel;

		EchoServiceGrpc.EchoServiceBlockingStub stub;

		DeadlineServer(String... properties) {
			this.properties = properties;
		}

		@BeforeAll
		void startServer() {
			this.server = TestServers.start(new Class<?>[] { DeadlineTestApplication.class }, this.properties);
			this.channel = this.server.newChannel();
			this.stub = EchoServiceGrpc.newBlockingStub(this.channel);
		}

		@AfterAll
		void stopServer() {
			this.channel.shutdownNow();
			this.server.close();
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(DeadlineEchoService.class)
	static class DeadlineTestApplication {

	}

}
