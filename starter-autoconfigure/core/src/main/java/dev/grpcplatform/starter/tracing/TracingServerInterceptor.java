package dev.grpcplatform.starter.tracing;

import dev.grpcplatform.starter.internal.GrpcTracingContext;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

import org.springframework.util.Assert;

/**
 * Server interceptor that makes the call's OpenTelemetry context (its server span and the caller's
 * baggage) current while the handler runs: when a streaming handler starts and on every listener
 * callback, on whichever executor thread it runs. Spans of client calls the handler makes, and its
 * log lines' trace ids, therefore belong to the call.
 *
 * <p>The context is the one {@link TracingServerStreamTracerFactory} put into the call's gRPC
 * context; calls without one (tracing inactive) pass through untouched.
 */
public class TracingServerInterceptor implements ServerInterceptor {

	private final boolean enabled;

	/**
	 * Creates an interceptor for the given tracing.
	 * @param tracing the tracing whose contexts to make current
	 */
	public TracingServerInterceptor(GrpcTracing tracing) {
		Assert.notNull(tracing, "tracing must not be null");
		this.enabled = tracing.isEnabled();
	}

	@Override
	public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
			ServerCallHandler<ReqT, RespT> next) {
		Context context = this.enabled ? GrpcTracingContext.KEY.get() : null;
		if (context == null) {
			return next.startCall(call, headers);
		}
		ServerCall.Listener<ReqT> listener;
		Scope scope = context.makeCurrent();
		try {
			listener = next.startCall(call, headers);
		}
		finally {
			scope.close();
		}
		return new TracingListener<>(listener, context);
	}

	private static final class TracingListener<ReqT>
			extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {

		private final Context context;

		TracingListener(ServerCall.Listener<ReqT> delegate, Context context) {
			super(delegate);
			this.context = context;
		}

		@Override
		public void onMessage(ReqT message) {
			Scope scope = this.context.makeCurrent();
			try {
				super.onMessage(message);
			}
			finally {
				scope.close();
			}
		}

		@Override
		public void onHalfClose() {
			Scope scope = this.context.makeCurrent();
			try {
				super.onHalfClose();
			}
			finally {
				scope.close();
			}
		}

		@Override
		public void onCancel() {
			Scope scope = this.context.makeCurrent();
			try {
				super.onCancel();
			}
			finally {
				scope.close();
			}
		}

		@Override
		public void onComplete() {
			Scope scope = this.context.makeCurrent();
			try {
				super.onComplete();
			}
			finally {
				scope.close();
			}
		}

		@Override
		public void onReady() {
			Scope scope = this.context.makeCurrent();
			try {
				super.onReady();
			}
			finally {
				scope.close();
			}
		}

	}

}
