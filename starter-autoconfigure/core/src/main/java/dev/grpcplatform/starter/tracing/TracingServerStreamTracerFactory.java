package dev.grpcplatform.starter.tracing;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import dev.grpcplatform.starter.internal.BridgedPeer;
import dev.grpcplatform.starter.internal.GrpcTracingContext;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Starts one server span per call when the transport accepts the call's headers, with the caller's
 * trace context and baggage as parent, and ends it when the status is sent, with the final status
 * (also for calls that end in the transport: unknown methods, oversized messages, deadlines).
 *
 * <p>The span's OpenTelemetry context goes into the call's gRPC context under
 * {@link GrpcTracingContext#KEY}, where {@link TracingServerInterceptor} makes it current for the
 * handler. Attributes follow the OpenTelemetry RPC conventions: {@code rpc.system},
 * {@code rpc.service}, {@code rpc.method}, {@code rpc.grpc.status_code}; they are only computed for
 * spans that record.
 */
public class TracingServerStreamTracerFactory extends ServerStreamTracer.Factory {

	private final GrpcTracing tracing;

	/**
	 * Creates a factory of server spans.
	 * @param tracing tracer and propagator to use
	 */
	public TracingServerStreamTracerFactory(GrpcTracing tracing) {
		Assert.notNull(tracing, "tracing must not be null");
		this.tracing = tracing;
	}

	@Override
	public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
		Context parent = this.tracing.propagator().extract(Context.root(), headers, MetadataTextMap.INSTANCE);
		Span span = this.tracing.tracer()
			.spanBuilder(fullMethodName)
			.setParent(parent)
			.setSpanKind(SpanKind.SERVER)
			.startSpan();
		if (span.isRecording()) {
			span.setAttribute(GrpcTracing.RPC_SYSTEM, GrpcTracing.GRPC);
			span.setAttribute(GrpcTracing.RPC_SERVICE, MethodDescriptor.extractFullServiceName(fullMethodName));
			String method = MethodDescriptor.extractBareMethodName(fullMethodName);
			if (method != null) {
				span.setAttribute(GrpcTracing.RPC_METHOD, method);
			}
		}
		return new SpanTracer(span, parent.with(span), headers.get(BridgedPeer.KEY));
	}

	/**
	 * Whether a status is an error of the server, as OpenTelemetry's RPC conventions define it for
	 * server spans (the others are the caller's doing).
	 */
	static boolean isServerError(Status.Code code) {
		return switch (code) {
			case UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS -> true;
			default -> false;
		};
	}

	private static final class SpanTracer extends ServerStreamTracer {

		private final Span span;

		private final Context context;

		// The HTTP client's address when the call came in over gRPC-Web or JSON.
		private final @Nullable String bridgedPeer;

		SpanTracer(Span span, Context context, @Nullable String bridgedPeer) {
			this.span = span;
			this.context = context;
			this.bridgedPeer = bridgedPeer;
		}

		@Override
		public io.grpc.Context filterContext(io.grpc.Context context) {
			return context.withValue(GrpcTracingContext.KEY, this.context);
		}

		@Override
		public void serverCallStarted(ServerCallInfo<?, ?> callInfo) {
			if (this.span.isRecording()) {
				SocketAddress remote = BridgedPeer.resolve(callInfo.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
						this.bridgedPeer);
				if (remote instanceof InetSocketAddress inet) {
					this.span.setAttribute(GrpcTracing.NETWORK_PEER_ADDRESS,
							(inet.getAddress() != null) ? inet.getAddress().getHostAddress() : inet.getHostString());
					this.span.setAttribute(GrpcTracing.NETWORK_PEER_PORT, (long) inet.getPort());
				}
			}
		}

		@Override
		public void streamClosed(Status status) {
			if (this.span.isRecording()) {
				Status.Code code = status.getCode();
				this.span.setAttribute(GrpcTracing.RPC_GRPC_STATUS_CODE, (long) code.value());
				if (isServerError(code)) {
					String description = status.getDescription();
					this.span.setStatus(StatusCode.ERROR, (description != null) ? description : code.name());
				}
			}
			this.span.end();
		}

	}

}
