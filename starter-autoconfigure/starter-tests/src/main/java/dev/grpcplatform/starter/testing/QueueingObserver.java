package dev.grpcplatform.starter.testing;

import java.util.concurrent.LinkedBlockingQueue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/**
 * Client-side {@link StreamObserver} that puts each response, and a failure as a
 * {@link StatusRuntimeException}, on a queue that the test polls; the end of a call that succeeds
 * puts nothing.
 *
 * @param <T> type of responses
 * @param results queue that receives responses and failures in the order they arrive
 */
public record QueueingObserver<T>(LinkedBlockingQueue<Object> results) implements StreamObserver<T> {

	@Override
	public void onNext(T value) {
		this.results.add(value);
	}

	@Override
	public void onError(Throwable t) {
		this.results.add(Status.fromThrowable(t).asRuntimeException());
	}

	@Override
	public void onCompleted() {
	}

}
