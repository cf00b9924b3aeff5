package dev.grpcplatform.starter.testing;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * Client-side {@link StreamObserver} that records the messages and the end of a call, for tests that
 * wait for them with a bounded timeout.
 *
 * @param <T> type of messages
 */
public final class RecordingObserver<T> implements StreamObserver<T> {

	private final BlockingQueue<T> messages = new LinkedBlockingQueue<>();

	private final CompletableFuture<Status> end = new CompletableFuture<>();

	@Override
	public void onNext(T value) {
		this.messages.add(value);
	}

	@Override
	public void onError(Throwable t) {
		this.end.complete(Status.fromThrowable(t));
	}

	@Override
	public void onCompleted() {
		this.end.complete(Status.OK);
	}

	/**
	 * Waits for the next message.
	 * @param timeout how long to wait at most
	 * @return the message
	 * @throws AssertionError if none arrives in time
	 */
	public T next(Duration timeout) throws InterruptedException {
		T message = this.messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		if (message == null) {
			throw new AssertionError("No message within " + timeout + "; call ended with " + this.end.getNow(null));
		}
		return message;
	}

	/**
	 * Waits for the end of the call.
	 * @param timeout how long to wait at most
	 * @return {@link Status#OK} if the server completed the call, else the status it failed with
	 * @throws AssertionError if the call does not end in time
	 */
	public Status awaitEnd(Duration timeout) throws InterruptedException {
		try {
			return this.end.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw new AssertionError("Call did not end within " + timeout, ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Whether the call has ended.
	 * @return {@code true} once completed or failed
	 */
	public boolean isEnded() {
		return this.end.isDone();
	}

}
