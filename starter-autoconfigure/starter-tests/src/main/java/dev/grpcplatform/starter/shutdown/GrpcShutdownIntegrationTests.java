package dev.grpcplatform.starter.shutdown;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.google.common.util.concurrent.ListenableFuture;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import dev.grpcplatform.starter.testing.RecordingObserver;
import dev.grpcplatform.starter.testing.TestServers;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoResponse;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for the graceful shutdown of the gRPC server over a real socket.
 */
class GrpcShutdownIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String SHUTTING_DOWN = "Server is shutting down; retry on another instance";

	@Test
	void callsInFlightWhenShutdownBeginsAllFinish() throws Exception {
		try (RunningGrpcApplication server = TestServers.start()) {
			EchoServiceGrpc.EchoServiceFutureStub stub = EchoServiceGrpc.newFutureStub(server.newChannel());
			List<ListenableFuture<EchoResponse>> calls = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				calls.add(stub.echo(EchoRequest.newBuilder().setText("call-" + i).setDelayMillis(1000).build()));
			}
			awaitReceived(server, 20);
			CompletableFuture<Void> closing = closeInBackground(server);
			for (int i = 0; i < 20; i++) {
				assertThat(calls.get(i).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getText()).isEqualTo("call-" + i);
			}
			closing.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	@Test
	void serverStreamStillOpenAfterTheGracePeriodEndsWithUnavailableAndItsHandlerIsCancelled() throws Exception {
		try (RunningGrpcApplication server = TestServers.start("platform.grpc.shutdown.grace-period=2s")) {
			EchoGrpcService echo = server.bean(EchoGrpcService.class);
			RecordingObserver<EchoResponse> stream = new RecordingObserver<>();
			EchoServiceGrpc.newStub(server.newChannel())
				.echoStream(EchoRequest.newBuilder().setText("endless").setRepeat(1000).setDelayMillis(100).build(),
						stream);
			assertThat(stream.next(TIMEOUT).getText()).isEqualTo("endless");
			CompletableFuture<Void> closing = closeInBackground(server);
			Status status = stream.awaitEnd(Duration.ofSeconds(2 + 5));
			assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(status.getDescription()).isEqualTo(SHUTTING_DOWN);
			await().atMost(TIMEOUT).until(() -> echo.cancelledStreams.contains("endless"));
			closing.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	@Test
	void bidiStreamStillOpenAfterTheGracePeriodEndsWithUnavailableAndItsHandlerIsCancelled() throws Exception {
		try (RunningGrpcApplication server = TestServers.start("platform.grpc.shutdown.grace-period=2s")) {
			EchoGrpcService echo = server.bean(EchoGrpcService.class);
			RecordingObserver<EchoResponse> responses = new RecordingObserver<>();
			StreamObserver<EchoRequest> requests = EchoServiceGrpc.newStub(server.newChannel()).chat(responses);
			requests.onNext(EchoRequest.newBuilder().setText("chatty").build());
			assertThat(responses.next(TIMEOUT).getText()).isEqualTo("chatty");
			CompletableFuture<Void> closing = closeInBackground(server);
			Status status = responses.awaitEnd(Duration.ofSeconds(2 + 5));
			assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(status.getDescription()).isEqualTo(SHUTTING_DOWN);
			await().atMost(TIMEOUT).until(() -> echo.cancelledStreams.contains("chatty"));
			closing.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	@Test
	void newCallsAreRefusedWithUnavailableWhileACallInFlightStillFinishes() throws Exception {
		try (RunningGrpcApplication server = TestServers.start()) {
			ManagedChannel channel = server.newChannel();
			ListenableFuture<EchoResponse> inFlight = EchoServiceGrpc.newFutureStub(channel)
				.echo(EchoRequest.newBuilder().setText("slow").setDelayMillis(4000).build());
			awaitReceived(server, 1);
			CompletableFuture<Void> closing = closeInBackground(server);
			// Until the server stops taking calls (right after health turns NOT_SERVING) calls still succeed.
			await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
				try {
					EchoServiceGrpc.newBlockingStub(channel)
						.withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
						.echo(EchoRequest.newBuilder().setText("late").build());
					return false;
				}
				catch (StatusRuntimeException ex) {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
					return true;
				}
			});
			assertThat(inFlight.isDone()).isFalse();
			assertThat(inFlight.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getText()).isEqualTo("slow");
			closing.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	@Test
	void healthWatchTurnsNotServingAsSoonAsShutdownBeginsAndEndsBeforeCallsInFlightFinish() throws Exception {
		try (RunningGrpcApplication server = TestServers.start()) {
			ManagedChannel channel = server.newChannel();
			RecordingObserver<HealthCheckResponse> watch = new RecordingObserver<>();
			HealthGrpc.newStub(channel).watch(HealthCheckRequest.getDefaultInstance(), watch);
			awaitServing(watch);
			ListenableFuture<EchoResponse> inFlight = EchoServiceGrpc.newFutureStub(channel)
				.echo(EchoRequest.newBuilder().setText("slow").setDelayMillis(5000).build());
			awaitReceived(server, 1);
			CompletableFuture<Void> closing = closeInBackground(server);
			assertThat(watch.next(TIMEOUT).getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
			// Watch never ends by itself: it is closed at once rather than holding up the shutdown.
			Status watchEnd = watch.awaitEnd(TIMEOUT);
			assertThat(watchEnd.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(watchEnd.getDescription()).isEqualTo(SHUTTING_DOWN);
			assertThat(inFlight.isDone()).isFalse();
			assertThat(inFlight.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getText()).isEqualTo("slow");
			closing.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	@Test
	void reflectionStreamAToolKeepsOpenEndsAsSoonAsShutdownBeginsInsteadOfAfterTheGracePeriod() throws Exception {
		try (RunningGrpcApplication server = TestServers.start()) {
			// buf curl and grpcurl keep their reflection stream open until they exit.
			RecordingObserver<ServerReflectionResponse> reflection = new RecordingObserver<>();
			StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(server.newChannel())
				.serverReflectionInfo(reflection);
			requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
			assertThat(reflection.next(TIMEOUT).hasListServicesResponse()).isTrue();
			CompletableFuture<Void> closing = closeInBackground(server);
			Status status = reflection.awaitEnd(TIMEOUT);
			assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(status.getDescription()).isEqualTo(SHUTTING_DOWN);
			// Well within the default grace period of 30 s.
			closing.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	@Test
	void zeroGracePeriodClosesCallsInFlightAtOnceWithUnavailable() throws Exception {
		try (RunningGrpcApplication server = TestServers.start("platform.grpc.shutdown.grace-period=0s")) {
			ListenableFuture<EchoResponse> inFlight = EchoServiceGrpc.newFutureStub(server.newChannel())
				.echo(EchoRequest.newBuilder().setText("slow").setDelayMillis(5000).build());
			awaitReceived(server, 1);
			CompletableFuture<Void> closing = closeInBackground(server);
			Status status = await().atMost(TIMEOUT).until(() -> statusOf(inFlight), (s) -> s != null);
			assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(status.getDescription()).isEqualTo(SHUTTING_DOWN);
			closing.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	@Test
	void shutdownDoesNotWaitTheGracePeriodForAStreamTheServerAlreadyRejected() throws Exception {
		try (RunningGrpcApplication server = TestServers.start("platform.grpc.shutdown.grace-period=60s")) {
			EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(server.newChannel());
			EchoRequest oversized = EchoRequest.newBuilder()
				.setText("big")
				.setPayload(com.google.protobuf.ByteString.copyFrom(new byte[5 * 1024 * 1024]))
				.build();
			assertThat(org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class, () -> stub.echo(oversized))
				.getStatus()
				.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
			// grpc-java keeps that HTTP/2 stream open until the client finishes sending; no call is
			// in flight, so shutdown must not sit out the 60 s grace period for it.
			closeInBackground(server).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private static Status statusOf(ListenableFuture<EchoResponse> call) throws InterruptedException {
		if (!call.isDone()) {
			return null;
		}
		try {
			call.get();
			return Status.OK;
		}
		catch (java.util.concurrent.ExecutionException ex) {
			return Status.fromThrowable(ex.getCause());
		}
	}

	private static void awaitServing(RecordingObserver<HealthCheckResponse> watch) throws InterruptedException {
		while (watch.next(TIMEOUT).getStatus() != ServingStatus.SERVING) {
			// Watch reports every change: NOT_SERVING until the application is ready.
		}
	}

	private static void awaitReceived(RunningGrpcApplication server, int calls) {
		EchoGrpcService echo = server.bean(EchoGrpcService.class);
		await().atMost(TIMEOUT).until(() -> echo.received.size() >= calls);
	}

	private static CompletableFuture<Void> closeInBackground(RunningGrpcApplication server) {
		CompletableFuture<Void> closed = new CompletableFuture<>();
		Thread closer = new Thread(() -> {
			try {
				server.context().close();
				closed.complete(null);
			}
			catch (Throwable ex) {
				closed.completeExceptionally(ex);
			}
		}, "test-context-closer");
		closer.start();
		return closed;
	}

}
