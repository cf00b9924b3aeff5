package dev.grpcplatform.starter.tracing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;

import org.springframework.util.Assert;

/**
 * Client interceptor that gives every outgoing call a client span, child of the current
 * OpenTelemetry context (inside a traced handler: the server span), and sends the trace context and
 * baggage in the call's headers.
 *
 * <p>The span starts when the call starts and ends when it closes, with {@code rpc.grpc.status_code};
 * every status other than {@code OK} marks it as an error. Without an SDK or propagators calls pass
 * through untouched.
 */
public class TracingClientInterceptor implements ClientInterceptor {

	private final GrpcTracing tracing;

	/**
	 * Creates an interceptor for the given tracing.
	 * @param tracing tracer and propagator to use
	 */
	public TracingClientInterceptor(GrpcTracing tracing) {
		Assert.notNull(tracing, "tracing must not be null");
		this.tracing = tracing;
	}

	@Override
	public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
			CallOptions callOptions, Channel next) {
		ClientCall<ReqT, RespT> call = next.newCall(method, callOptions);
		if (!this.tracing.isEnabled()) {
			return call;
		}
		return new TracingClientCall<>(call, method, this.tracing);
	}

	private static final class TracingClientCall<ReqT, RespT>
			extends ForwardingClientCall.SimpleForwardingClientCall<ReqT, RespT> {

		private final MethodDescriptor<ReqT, RespT> method;

		private final GrpcTracing tracing;

		TracingClientCall(ClientCall<ReqT, RespT> delegate, MethodDescriptor<ReqT, RespT> method,
				GrpcTracing tracing) {
			super(delegate);
			this.method = method;
			this.tracing = tracing;
		}

		@Override
		public void start(Listener<RespT> responseListener, Metadata headers) {
			Context parent = Context.current();
			Span span = this.tracing.tracer()
				.spanBuilder(this.method.getFullMethodName())
				.setParent(parent)
				.setSpanKind(SpanKind.CLIENT)
				.startSpan();
			if (span.isRecording()) {
				span.setAttribute(GrpcTracing.RPC_SYSTEM, GrpcTracing.GRPC);
				String service = this.method.getServiceName();
				if (service != null) {
					span.setAttribute(GrpcTracing.RPC_SERVICE, service);
				}
				String bareMethod = this.method.getBareMethodName();
				if (bareMethod != null) {
					span.setAttribute(GrpcTracing.RPC_METHOD, bareMethod);
				}
			}
			this.tracing.propagator().inject(parent.with(span), headers, MetadataTextMap.INSTANCE);
			try {
				super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(responseListener) {

					@Override
					public void onClose(Status status, Metadata trailers) {
						end(span, status);
						super.onClose(status, trailers);
					}

				}, headers);
			}
			catch (RuntimeException | Error ex) {
				span.setStatus(StatusCode.ERROR, ex.getClass().getName());
				span.end();
				throw ex;
			}
		}

		private static void end(Span span, Status status) {
			if (span.isRecording()) {
				span.setAttribute(GrpcTracing.RPC_GRPC_STATUS_CODE, (long) status.getCode().value());
				if (!status.isOk()) {
					String description = status.getDescription();
					span.setStatus(StatusCode.ERROR, (description != null) ? description : status.getCode().name());
				}
			}
			span.end();
		}

	}

}
