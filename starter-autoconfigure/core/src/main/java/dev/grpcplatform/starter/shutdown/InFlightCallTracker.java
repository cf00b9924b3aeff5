package dev.grpcplatform.starter.shutdown;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import dev.grpcplatform.starter.internal.GuardedServerCall;
import dev.grpcplatform.starter.internal.GuardedServerCallListener;
import dev.grpcplatform.starter.server.PlatformInterceptorOrder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Server interceptor that keeps track of the calls in flight, so that a shutdown can close those
 * still open with a status of its choosing instead of resetting their streams.
 *
 * <p>Belongs outermost ({@code PlatformInterceptorOrder.SHUTDOWN}): the status then reaches the
 * client as given, and inner interceptors and the handler see the close as a cancellation. Per call
 * it costs two small objects and an add to and a removal from a concurrent set.
 */
public class InFlightCallTracker implements ServerInterceptor {

	private final Set<GuardedServerCall<?, ?>> calls = ConcurrentHashMap.newKeySet();

	/**
	 * Status for every call that starts while set, for calls that slip in while a shutdown
	 * closes all calls.
	 */
	private volatile Status closingStatus;

	@Override
	public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
			ServerCallHandler<ReqT, RespT> next) {
		GuardedServerCall<ReqT, RespT> guarded = new GuardedServerCall<>(call);
		this.calls.add(guarded);
		ServerCall.Listener<ReqT> listener;
		try {
			listener = next.startCall(guarded, headers);
		}
		catch (RuntimeException | Error ex) {
			// gRPC closes the call itself and never calls the listener.
			this.calls.remove(guarded);
			throw ex;
		}
		Status closing = this.closingStatus;
		if (closing != null) {
			guarded.closeByPlatform(closing, new Metadata());
		}
		return new TrackingListener<>(listener, guarded);
	}

	/**
	 * Returns the number of calls in flight.
	 * @return calls started and not yet completed or cancelled
	 */
	public int inFlight() {
		return this.calls.size();
	}

	/**
	 * Closes the open calls of the methods that match the filter.
	 * @param status status to close them with
	 * @param filter which methods to close
	 * @return number of calls this closed
	 */
	public int close(Status status, Predicate<? super MethodDescriptor<?, ?>> filter) {
		int closed = 0;
		for (GuardedServerCall<?, ?> call : this.calls) {
			if (filter.test(call.getMethodDescriptor()) && call.closeByPlatform(status, new Metadata())) {
				closed++;
			}
		}
		return closed;
	}

	/**
	 * Closes every open call, and every call that starts until {@link #reset()}.
	 * @param status status to close them with
	 * @return number of open calls this closed
	 */
	public int closeAll(Status status) {
		this.closingStatus = status;
		return close(status, (method) -> true);
	}

	/**
	 * Lets calls that start from now on run again, after {@link #closeAll(Status)}.
	 */
	public void reset() {
		this.closingStatus = null;
	}

	private final class TrackingListener<ReqT> extends GuardedServerCallListener<ReqT> {

		TrackingListener(ServerCall.Listener<ReqT> delegate, GuardedServerCall<ReqT, ?> call) {
			super(delegate, call);
		}

		@Override
		public void onComplete() {
			InFlightCallTracker.this.calls.remove(call());
			super.onComplete();
		}

		@Override
		public void onCancel() {
			InFlightCallTracker.this.calls.remove(call());
			super.onCancel();
		}

	}

}
