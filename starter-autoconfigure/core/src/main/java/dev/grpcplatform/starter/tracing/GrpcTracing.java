package dev.grpcplatform.starter.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;

import org.springframework.util.Assert;

/**
 * The tracer and propagator the platform's gRPC tracing uses, taken from an {@link OpenTelemetry}.
 *
 * <p>Tracing is active when the OpenTelemetry has a tracer provider (an SDK) or propagators: without
 * either (the API alone, {@link OpenTelemetry#noop()}) the interceptors pass calls through untouched
 * and no stream tracer is installed, so tracing costs nothing. When an SDK has a tracer provider but
 * no propagators, W3C trace context and baggage are used, so traces still cross services.
 */
public class GrpcTracing {

	static final String INSTRUMENTATION_SCOPE = "dev.grpcplatform.starter.tracing";

	static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");

	static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");

	static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");

	static final AttributeKey<Long> RPC_GRPC_STATUS_CODE = AttributeKey.longKey("rpc.grpc.status_code");

	static final AttributeKey<String> NETWORK_PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");

	static final AttributeKey<Long> NETWORK_PEER_PORT = AttributeKey.longKey("network.peer.port");

	static final String GRPC = "grpc";

	private final Tracer tracer;

	private final TextMapPropagator propagator;

	private final boolean enabled;

	/**
	 * Creates the tracing of the given OpenTelemetry.
	 * @param openTelemetry the application's OpenTelemetry, {@link OpenTelemetry#noop()} for none
	 */
	public GrpcTracing(OpenTelemetry openTelemetry) {
		Assert.notNull(openTelemetry, "openTelemetry must not be null");
		TracerProvider tracerProvider = openTelemetry.getTracerProvider();
		TextMapPropagator configured = openTelemetry.getPropagators().getTextMapPropagator();
		boolean hasTracer = tracerProvider != TracerProvider.noop();
		boolean hasPropagator = !configured.fields().isEmpty();
		this.tracer = tracerProvider.get(INSTRUMENTATION_SCOPE);
		this.propagator = (hasPropagator || !hasTracer) ? configured : TextMapPropagator
			.composite(W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());
		this.enabled = hasTracer || hasPropagator;
	}

	/**
	 * Whether calls are traced: {@code false} when the OpenTelemetry has neither an SDK nor
	 * propagators.
	 * @return whether tracing is active
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	Tracer tracer() {
		return this.tracer;
	}

	TextMapPropagator propagator() {
		return this.propagator;
	}

}
