package dev.grpcplatform.starter.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoResponse;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

/**
 * Calls of each shape of {@code platform.testing.v1.EchoService} with given headers, for tests that
 * check the same behaviour on every call type.
 */
public final class EchoCalls {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private EchoCalls() {
	}

	/**
	 * Returns headers with the given {@code authorization} value.
	 * @param authorization the header value, or {@code null} for none
	 * @return the headers
	 */
	public static Metadata authorization(String authorization) {
		Metadata headers = new Metadata();
		if (authorization != null) {
			headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
		}
		return headers;
	}

	/**
	 * Returns headers with {@code authorization: Bearer <token>}.
	 * @param token the token
	 * @return the headers
	 */
	public static Metadata bearer(String token) {
		return authorization("Bearer " + token);
	}

	/**
	 * Makes a call of the given type that sends three requests (or one, for unary and server
	 * streaming calls, which then ask for three responses) and waits for its end.
	 * @param channel channel to call on
	 * @param type shape of the call
	 * @param headers headers to send
	 * @return the result
	 */
	public static Result call(Channel channel, Type type, Metadata headers) throws InterruptedException {
		EchoServiceGrpc.EchoServiceStub stub = EchoServiceGrpc.newStub(channel)
			.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
			.withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		Observer observer = new Observer();
		EchoRequest request = EchoRequest.newBuilder().setText("hello").setRepeat(3).build();
		switch (type) {
			case UNARY -> stub.echo(request, observer);
			case SERVER_STREAMING -> stub.echoStream(request, observer);
			case CLIENT_STREAMING -> sendThree(stub.collect(observer), request);
			case BIDI_STREAMING -> sendThree(stub.chat(observer), request);
		}
		return observer.await();
	}

	private static void sendThree(StreamObserver<EchoRequest> requests, EchoRequest request) throws InterruptedException {
		for (int i = 0; i < 3; i++) {
			requests.onNext(request);
			// Spaced out so that the server may serve each on another callback, and thread.
			Thread.sleep(20);
		}
		requests.onCompleted();
	}

	/**
	 * Shape of a call.
	 */
	public enum Type {

		/**
		 * Echo.
		 */
		UNARY,

		/**
		 * EchoStream.
		 */
		SERVER_STREAMING,

		/**
		 * Collect.
		 */
		CLIENT_STREAMING,

		/**
		 * Chat.
		 */
		BIDI_STREAMING

	}

	/**
	 * How a call ended.
	 *
	 * @param status final status
	 * @param trailers trailers, or {@code null} on success
	 * @param responses texts of the responses received
	 */
	public record Result(Status status, Metadata trailers, List<String> responses) {

		/**
		 * Returns the {@code google.rpc.ErrorInfo} of a failed call.
		 * @return the error info
		 */
		public ErrorInfo errorInfo() throws InvalidProtocolBufferException {
			com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(this.status, this.trailers);
			return details.getDetails(0).unpack(ErrorInfo.class);
		}

	}

	private static final class Observer implements StreamObserver<EchoResponse> {

		private final List<String> responses = new CopyOnWriteArrayList<>();

		private final CompletableFuture<Result> end = new CompletableFuture<>();

		@Override
		public void onNext(EchoResponse value) {
			this.responses.add(value.getText());
		}

		@Override
		public void onError(Throwable t) {
			this.end.complete(new Result(Status.fromThrowable(t), Status.trailersFromThrowable(t), List.copyOf(this.responses)));
		}

		@Override
		public void onCompleted() {
			this.end.complete(new Result(Status.OK, null, List.copyOf(this.responses)));
		}

		Result await() throws InterruptedException {
			try {
				return this.end.get(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException ex) {
				throw new AssertionError("Call did not end within " + TIMEOUT, ex);
			}
			catch (ExecutionException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
