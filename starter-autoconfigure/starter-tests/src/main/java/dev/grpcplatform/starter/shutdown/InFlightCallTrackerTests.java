package dev.grpcplatform.starter.shutdown;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.grpcplatform.starter.testing.EchoGrpcService;
import dev.grpcplatform.starter.testing.RecordingObserver;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoResponse;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link InFlightCallTracker}.
 */
class InFlightCallTrackerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Status CLOSING = Status.UNAVAILABLE.withDescription("closing for the test");

	private final InFlightCallTracker tracker = new InFlightCallTracker();

	private final EchoGrpcService echo = new EchoGrpcService();

	private Server server;

	private ManagedChannel channel;

	@AfterEach
	void stop() throws InterruptedException {
		this.channel.shutdownNow();
		this.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
	}

	@Test
	void completedCallsAreNoLongerInFlight() throws Exception {
		start();
		EchoResponse response = EchoServiceGrpc.newBlockingStub(this.channel)
			.echo(EchoRequest.newBuilder().setText("hi").build());
		assertThat(response.getText()).isEqualTo("hi");
		await().atMost(TIMEOUT).until(() -> this.tracker.inFlight() == 0);
	}

	@Test
	void callsThatFailAreNoLongerInFlight() throws Exception {
		start();
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> EchoServiceGrpc
			.newBlockingStub(this.channel)
			.echo(EchoRequest.newBuilder().setText("hi").setFailWith("status").build()));
		await().atMost(TIMEOUT).until(() -> this.tracker.inFlight() == 0);
	}

	@Test
	void callRejectedByAnInnerInterceptorThatThrowsIsNotLeaked() throws Exception {
		ServerInterceptor throwing = new ServerInterceptor() {

			@Override
			public <ReqT, RespT> io.grpc.ServerCall.Listener<ReqT> interceptCall(io.grpc.ServerCall<ReqT, RespT> call,
					io.grpc.Metadata headers, io.grpc.ServerCallHandler<ReqT, RespT> next) {
				throw new IllegalStateException("inner interceptor broke");
			}

		};
		start(throwing);
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> EchoServiceGrpc.newBlockingStub(this.channel)
				.echo(EchoRequest.newBuilder().setText("hi").build()));
		assertThat(this.tracker.inFlight()).isZero();
	}

	@Test
	void closeAllEndsOpenStreamWithTheStatusAndTheHandlerSeesCancellation() throws Exception {
		start();
		RecordingObserver<EchoResponse> stream = new RecordingObserver<>();
		EchoServiceGrpc.newStub(this.channel)
			.echoStream(EchoRequest.newBuilder().setText("endless").setRepeat(1000).setDelayMillis(50).build(), stream);
		stream.next(TIMEOUT);
		assertThat(this.tracker.inFlight()).isOne();
		assertThat(this.tracker.closeAll(CLOSING)).isOne();
		Status status = stream.awaitEnd(TIMEOUT);
		assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
		assertThat(status.getDescription()).isEqualTo("closing for the test");
		await().atMost(TIMEOUT).until(() -> this.echo.cancelledStreams.contains("endless"));
		await().atMost(TIMEOUT).until(() -> this.tracker.inFlight() == 0);
	}

	@Test
	void closeLeavesCallsOfOtherMethodsOpen() throws Exception {
		start();
		RecordingObserver<EchoResponse> chat = new RecordingObserver<>();
		EchoServiceGrpc.newStub(this.channel).chat(chat).onNext(EchoRequest.newBuilder().setText("chat").build());
		chat.next(TIMEOUT);
		RecordingObserver<EchoResponse> stream = new RecordingObserver<>();
		EchoServiceGrpc.newStub(this.channel)
			.echoStream(EchoRequest.newBuilder().setText("endless").setRepeat(1000).setDelayMillis(50).build(), stream);
		stream.next(TIMEOUT);
		int closed = this.tracker.close(CLOSING,
				(method) -> method.getFullMethodName().equals("platform.testing.v1.EchoService/Chat"));
		assertThat(closed).isOne();
		assertThat(chat.awaitEnd(TIMEOUT).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
		assertThat(stream.next(TIMEOUT).getText()).isEqualTo("endless");
		assertThat(stream.isEnded()).isFalse();
	}

	@Test
	void callsStartedAfterCloseAllAreClosedAtOnceUntilReset() throws Exception {
		start();
		this.tracker.closeAll(CLOSING);
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> EchoServiceGrpc.newBlockingStub(this.channel)
				.echo(EchoRequest.newBuilder().setText("late").build()))
			.satisfies((ex) -> assertThat(ex.getStatus().getDescription()).isEqualTo("closing for the test"));
		assertThat(this.echo.received).isEmpty();
		this.tracker.reset();
		assertThat(EchoServiceGrpc.newBlockingStub(this.channel).echo(EchoRequest.newBuilder().setText("again").build())
			.getText()).isEqualTo("again");
	}

	private void start(ServerInterceptor... inner) throws Exception {
		String name = InProcessServerBuilder.generateName();
		ServerInterceptor[] interceptors = new ServerInterceptor[inner.length + 1];
		// ServerInterceptors.intercept runs the last interceptor first: the tracker goes outermost.
		System.arraycopy(inner, 0, interceptors, 0, inner.length);
		interceptors[inner.length] = this.tracker;
		this.server = InProcessServerBuilder.forName(name)
			.addService(ServerInterceptors.intercept(this.echo, interceptors))
			.build()
			.start();
		this.channel = InProcessChannelBuilder.forName(name).build();
	}

}
