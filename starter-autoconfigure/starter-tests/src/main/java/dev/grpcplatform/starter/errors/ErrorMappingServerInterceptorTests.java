package dev.grpcplatform.starter.errors;

import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoResponse;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for {@link ErrorMappingServerInterceptor} with handlers that fail where the echo service
 * never does.
 */
@ExtendWith(OutputCaptureExtension.class)
class ErrorMappingServerInterceptorTests {

	private final GrpcExceptionTranslator translator = new GrpcExceptionTranslator("test",
			List.of(new StandardExceptionMapper()));

	private Server server;

	private ManagedChannel channel;

	@AfterEach
	void stop() throws InterruptedException {
		this.channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		this.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
	}

	@Test
	void streamingHandlerThatThrowsBeforeReturningItsObserverEndsWithMappedStatus() throws Exception {
		start(new ErrorMappingServerInterceptor(this.translator));
		GrpcErrorsIntegrationTests.Recorder<EchoResponse> recorder = new GrpcErrorsIntegrationTests.Recorder<>();
		EchoServiceGrpc.newStub(this.channel).chat(recorder);
		StatusRuntimeException ex = recorder.awaitError();
		assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(ex.getStatus().getDescription()).isEqualTo("chat is closed today");
	}

	@Test
	void exceptionsClaimedByAnOuterHandlerAreLeftToIt() {
		start(new ErrorMappingServerInterceptor(this.translator, IllegalArgumentException.class::isInstance));
		StatusRuntimeException ex = catchThrowableOfType(StatusRuntimeException.class,
				() -> EchoServiceGrpc.newBlockingStub(this.channel).echo(EchoRequest.newBuilder().setText("x").build()));
		// Nobody outside handles it in this test, so grpc-java's own answer comes through.
		assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
		assertThat(ex.getTrailers().containsKey(GrpcError.STATUS_DETAILS_KEY)).isFalse();
	}

	@Test
	void exceptionThrownOnCancelIsOnlyLoggedAndTheCallKeepsItsStatus(CapturedOutput output) throws Exception {
		start(new ErrorMappingServerInterceptor(this.translator));
		GrpcErrorsIntegrationTests.Recorder<EchoResponse> recorder = new GrpcErrorsIntegrationTests.Recorder<>();
		StreamObserver<EchoRequest> requests = EchoServiceGrpc.newStub(this.channel).collect(recorder);
		requests.onNext(EchoRequest.newBuilder().setText("fail").build());
		StatusRuntimeException ex = recorder.awaitError();
		assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
		assertThat(output).contains("failed after the call ended").contains("handler bug on cancel");
	}

	private void start(ErrorMappingServerInterceptor interceptor) {
		String name = InProcessServerBuilder.generateName();
		try {
			this.server = InProcessServerBuilder.forName(name)
				.directExecutor()
				.addService(ServerInterceptors.intercept(new FailingEchoService(), interceptor))
				.build()
				.start();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.channel = InProcessChannelBuilder.forName(name).directExecutor().build();
	}

	static class FailingEchoService extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		public void echo(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
			throw new IllegalArgumentException("echo is closed today");
		}

		@Override
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responseObserver) {
			throw new IllegalArgumentException("chat is closed today");
		}

		@Override
		public StreamObserver<EchoRequest> collect(StreamObserver<EchoResponse> responseObserver) {
			return new StreamObserver<>() {

				@Override
				public void onNext(EchoRequest value) {
					throw new java.util.NoSuchElementException("nothing to collect");
				}

				@Override
				public void onError(Throwable t) {
					throw new IllegalStateException("handler bug on cancel");
				}

				@Override
				public void onCompleted() {
				}

			};
		}

	}

}
