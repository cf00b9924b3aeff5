package dev.grpcplatform.starter.internal;

import io.grpc.ForwardingServerCallListener;
import io.grpc.ServerCall;

/**
 * Listener that stops delivering requests to the handler once a {@link GuardedServerCall} was
 * closed by the platform, and reports that end to the handler as a cancellation.
 *
 * @param <ReqT> type of request messages
 */
public class GuardedServerCallListener<ReqT> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {

	private final GuardedServerCall<ReqT, ?> call;

	public GuardedServerCallListener(ServerCall.Listener<ReqT> delegate, GuardedServerCall<ReqT, ?> call) {
		super(delegate);
		this.call = call;
	}

	/**
	 * Returns the guarded call this listener belongs to.
	 * @return the call
	 */
	protected final GuardedServerCall<ReqT, ?> call() {
		return this.call;
	}

	@Override
	public void onMessage(ReqT message) {
		if (!this.call.isClosedByPlatform()) {
			super.onMessage(message);
		}
	}

	@Override
	public void onHalfClose() {
		if (!this.call.isClosedByPlatform()) {
			super.onHalfClose();
		}
	}

	@Override
	public void onReady() {
		if (!this.call.isClosedByPlatform()) {
			super.onReady();
		}
	}

	@Override
	public void onComplete() {
		// The handler did not finish this call: to it, the platform's close is a cancellation.
		if (this.call.isClosedByPlatform()) {
			super.onCancel();
		}
		else {
			super.onComplete();
		}
	}

}
