package dev.grpcplatform.starter.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.jspecify.annotations.Nullable;

/**
 * Where a traced server call keeps its OpenTelemetry context (with its server span and the caller's
 * baggage): in the call's gRPC {@link io.grpc.Context}, from before the first interceptor runs.
 */
public final class GrpcTracingContext {

	/**
	 * Key of the call's OpenTelemetry context in its gRPC context.
	 */
	public static final io.grpc.Context.Key<io.opentelemetry.context.Context> KEY = io.grpc.Context
		.key("grpc-platform-opentelemetry-context");

	private GrpcTracingContext() {
	}

	/**
	 * Returns the trace id of the server span of the call of the given gRPC context.
	 * @param context gRPC context of a call
	 * @return the trace id as 32 hex digits, or {@code null} when the call is not traced
	 */
	public static @Nullable String traceId(io.grpc.Context context) {
		io.opentelemetry.context.Context otelContext = KEY.get(context);
		if (otelContext == null) {
			return null;
		}
		SpanContext spanContext = Span.fromContext(otelContext).getSpanContext();
		return spanContext.isValid() ? spanContext.getTraceId() : null;
	}

}
