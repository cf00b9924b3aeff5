package dev.grpcplatform.starter.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.grpcplatform.starter.errors.GrpcError;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoResponse;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;


/**
 * Test implementation of {@code platform.testing.v1.EchoService}: answers with what it is sent, or
 * fails as {@code fail_with} asks.
 *
 * <p>{@code fail_with} values: {@code illegal-argument}, {@code not-found}, {@code duplicate},
 * {@code internal} (an unexpected exception), {@code status} (a StatusRuntimeException),
 * {@code unsupported}, {@code unavailable} (a database connection failure), {@code wrapped} (a
 * CompletionException around a NoSuchElementException), {@code grpc-error} (a GrpcError with field
 * violations), each thrown;
 * prefixed with {@code on-error:} they are passed to {@code onError} instead of thrown.
 */
public class EchoGrpcService extends EchoServiceGrpc.EchoServiceImplBase {

	/**
	 * Streaming calls the handler saw cancelled, by text of the first request.
	 */
	public final List<String> cancelledStreams = new CopyOnWriteArrayList<>();

	/**
	 * Number of requests the handlers received.
	 */
	public final List<EchoRequest> received = new CopyOnWriteArrayList<>();

	@Override
	public void echo(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
		this.received.add(request);
		if (fail(request, responseObserver)) {
			return;
		}
		pause(request);
		responseObserver.onNext(EchoResponse.newBuilder().setText(request.getText()).build());
		responseObserver.onCompleted();
	}

	@Override
	public void echoStream(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
		this.received.add(request);
		ServerCallStreamObserver<EchoResponse> observer = (ServerCallStreamObserver<EchoResponse>) responseObserver;
		observer.setOnCancelHandler(() -> this.cancelledStreams.add(request.getText()));
		if (fail(request, responseObserver)) {
			return;
		}
		for (int i = 0; i < request.getRepeat() && !observer.isCancelled(); i++) {
			observer.onNext(EchoResponse.newBuilder().setText(request.getText()).setIndex(i).build());
			pause(request);
		}
		if (!observer.isCancelled()) {
			observer.onCompleted();
		}
	}

	@Override
	public StreamObserver<EchoRequest> collect(StreamObserver<EchoResponse> responseObserver) {
		List<String> texts = new ArrayList<>();
		return new StreamObserver<>() {

			@Override
			public void onNext(EchoRequest request) {
				EchoGrpcService.this.received.add(request);
				if (fail(request, responseObserver)) {
					return;
				}
				texts.add(request.getText());
			}

			@Override
			public void onError(Throwable t) {
				EchoGrpcService.this.cancelledStreams.add(texts.isEmpty() ? "" : texts.get(0));
			}

			@Override
			public void onCompleted() {
				responseObserver.onNext(EchoResponse.newBuilder().setText(String.join(",", texts)).build());
				responseObserver.onCompleted();
			}

		};
	}

	@Override
	public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responseObserver) {
		List<String> first = new ArrayList<>();
		return new StreamObserver<>() {

			private int index;

			@Override
			public void onNext(EchoRequest request) {
				EchoGrpcService.this.received.add(request);
				if (first.isEmpty()) {
					first.add(request.getText());
				}
				if (fail(request, responseObserver)) {
					return;
				}
				responseObserver.onNext(EchoResponse.newBuilder().setText(request.getText()).setIndex(this.index++).build());
			}

			@Override
			public void onError(Throwable t) {
				EchoGrpcService.this.cancelledStreams.add(first.isEmpty() ? "" : first.get(0));
			}

			@Override
			public void onCompleted() {
				responseObserver.onCompleted();
			}

		};
	}

	private static boolean fail(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
		String failWith = request.getFailWith();
		if (failWith.isEmpty()) {
			return false;
		}
		boolean viaOnError = failWith.startsWith("on-error:");
		RuntimeException exception = exceptionFor(viaOnError ? failWith.substring("on-error:".length()) : failWith);
		if (viaOnError) {
			responseObserver.onError(exception);
			return true;
		}
		throw exception;
	}

	private static RuntimeException exceptionFor(String kind) {
		return switch (kind) {
			case "illegal-argument" -> new IllegalArgumentException("text must not be 'bad'");
			case "not-found" -> new NoSuchElementException("echo 42 not found");
			case "duplicate" -> new DuplicateKeyException("duplicate key value violates unique constraint \"echo_pkey\"");
			case "status" -> Status.FAILED_PRECONDITION.withDescription("echo is closed").asRuntimeException();
			case "unsupported" -> new UnsupportedOperationException("echo in reverse is not supported");
			case "unavailable" -> new DataAccessResourceFailureException(
					"secret internal detail: could not connect to jdbc:postgresql://db-7:5432/echo");
			case "wrapped" -> new CompletionException(new NoSuchElementException("echo 7 not found"));
			case "grpc-error" -> GrpcError.builder(Status.Code.INVALID_ARGUMENT, "echo request is incomplete")
				.reason("ECHO_INCOMPLETE")
				.metadata("echoId", "42")
				.fieldViolation("text", "must not be 'bad'")
				.fieldViolation("tags[1]", "must be lower case")
				.build()
				.asException();
			default -> new IllegalStateException("secret internal detail: connection pool db-7 exhausted");
		};
	}

	private static void pause(EchoRequest request) {
		if (request.getDelayMillis() > 0) {
			try {
				Thread.sleep(request.getDelayMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
