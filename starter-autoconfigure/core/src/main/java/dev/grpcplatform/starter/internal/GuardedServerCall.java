package dev.grpcplatform.starter.internal;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * Server call that a platform interceptor can close on the handler's behalf, safely against the
 * handler's own concurrent use of the call.
 *
 * <p>After {@link #closeByPlatform} the handler's later sends and its own close are dropped instead
 * of failing with "call already closed", and {@link #isCancelled()} answers {@code true} so that
 * well-behaved streaming handlers stop producing. Pair it with {@link GuardedServerCallListener} so
 * that the handler is told through {@code onCancel}.
 *
 * @param <ReqT> type of request messages
 * @param <RespT> type of response messages
 */
public class GuardedServerCall<ReqT, RespT> extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {

	private boolean closed;

	private volatile boolean closedByPlatform;

	public GuardedServerCall(ServerCall<ReqT, RespT> delegate) {
		super(delegate);
	}

	/**
	 * Closes the call with the given status unless it is closed already.
	 * @param status status to send
	 * @param trailers trailers to send
	 * @return whether this invocation closed the call
	 */
	public final boolean closeByPlatform(Status status, Metadata trailers) {
		synchronized (this) {
			if (this.closed) {
				return false;
			}
			this.closed = true;
			this.closedByPlatform = true;
			super.close(status, trailers);
			return true;
		}
	}

	/**
	 * Whether the call was closed through {@link #closeByPlatform}.
	 * @return {@code true} once the platform closed the call
	 */
	public final boolean isClosedByPlatform() {
		return this.closedByPlatform;
	}

	@Override
	public void close(Status status, Metadata trailers) {
		synchronized (this) {
			if (this.closedByPlatform) {
				return;
			}
			this.closed = true;
			super.close(status, trailers);
		}
	}

	@Override
	public void sendHeaders(Metadata headers) {
		synchronized (this) {
			if (!this.closedByPlatform) {
				super.sendHeaders(headers);
			}
		}
	}

	@Override
	public void sendMessage(RespT message) {
		synchronized (this) {
			if (!this.closedByPlatform) {
				super.sendMessage(message);
			}
		}
	}

	@Override
	public boolean isCancelled() {
		return this.closedByPlatform || super.isCancelled();
	}

	@Override
	public boolean isReady() {
		return !this.closedByPlatform && super.isReady();
	}

}
