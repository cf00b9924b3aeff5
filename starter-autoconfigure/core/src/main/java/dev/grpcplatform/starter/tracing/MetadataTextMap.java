package dev.grpcplatform.starter.tracing;

import io.grpc.Metadata;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * Reads and writes propagation headers ({@code traceparent}, {@code tracestate}, {@code baggage},
 * ...) in gRPC {@link Metadata}.
 */
enum MetadataTextMap implements TextMapGetter<Metadata>, TextMapSetter<Metadata> {

	INSTANCE;

	private static final Metadata.Key<String> TRACEPARENT = asciiKey("traceparent");

	private static final Metadata.Key<String> TRACESTATE = asciiKey("tracestate");

	private static final Metadata.Key<String> BAGGAGE = asciiKey("baggage");

	@Override
	public Iterable<String> keys(Metadata carrier) {
		return carrier.keys();
	}

	@Override
	public String get(Metadata carrier, String key) {
		if (carrier == null) {
			return null;
		}
		Metadata.Key<String> metadataKey = keyOf(key);
		return (metadataKey != null) ? carrier.get(metadataKey) : null;
	}

	@Override
	public void set(Metadata carrier, String key, String value) {
		if (carrier == null) {
			return;
		}
		Metadata.Key<String> metadataKey = keyOf(key);
		if (metadataKey != null) {
			carrier.removeAll(metadataKey);
			carrier.put(metadataKey, value);
		}
	}

	private static Metadata.Key<String> keyOf(String key) {
		// The W3C propagators ask for these on every call: no key objects per call for them.
		switch (key) {
			case "traceparent":
				return TRACEPARENT;
			case "tracestate":
				return TRACESTATE;
			case "baggage":
				return BAGGAGE;
			default:
				return key.endsWith(Metadata.BINARY_HEADER_SUFFIX) ? null : asciiKey(key);
		}
	}

	private static Metadata.Key<String> asciiKey(String name) {
		try {
			return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
		}
		catch (IllegalArgumentException ex) {
			// Not a valid header name: a propagator's field that cannot travel in gRPC metadata.
			return null;
		}
	}

}
