package dev.grpcplatform.starter.logging;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.Function;

import dev.grpcplatform.starter.internal.BridgedPeer;
import dev.grpcplatform.starter.server.GrpcCallAttributes;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

import org.springframework.boot.logging.LogLevel;
import org.springframework.util.Assert;

/**
 * Gives every server call a request id and writes one access log line per call when it ends: method,
 * status, duration, peer, principal (when authentication set one), request id and trace id.
 *
 * <p>It is a {@link ServerStreamTracer.Factory}: it sees every call the transport accepts, with its
 * final status, including calls that never reach an interceptor (unknown methods, oversized
 * messages). When a call starts it puts a {@link GrpcCallAttributes} with the request id (the
 * caller's {@code x-request-id} if usable, else a generated one) into the call's gRPC context, where
 * later interceptors find it; {@link RequestIdServerInterceptor} returns the id to the caller.
 *
 * <p>The line is a logfmt message ({@code key=value}, values quoted and escaped where needed, so a
 * caller cannot forge lines) and the same pairs as SLF4J key-value pairs, which Spring Boot's
 * structured logging (ECS, Logstash, GELF) writes as fields. It is built only when the logger
 * {@value #LOGGER_NAME} is enabled for the configured level, and written on the transport thread
 * that closes the stream: for high volumes, give that logger an asynchronous appender.
 */
public class GrpcAccessLog extends ServerStreamTracer.Factory {

	/**
	 * Name of the logger that writes the access log.
	 */
	public static final String LOGGER_NAME = "dev.grpcplatform.starter.logging.AccessLog";

	private static final int MAX_VALUE_LENGTH = 256;

	private static final Logger logger = LoggerFactory.getLogger(LOGGER_NAME);

	private final Level level;

	private final Metadata.Key<String> requestIdKey;

	private final Function<Context, String> traceIds;

	/**
	 * Creates an access log.
	 * @param level level of the lines, {@link LogLevel#OFF} for none
	 * @param requestIdHeader metadata key of the caller's request id
	 * @param traceIds trace id of the call of a gRPC context, or {@code null} when it has none
	 */
	public GrpcAccessLog(LogLevel level, String requestIdHeader, Function<Context, String> traceIds) {
		Assert.notNull(level, "level must not be null");
		Assert.notNull(traceIds, "traceIds must not be null");
		this.level = toSlf4j(level);
		this.requestIdKey = requestIdKey(requestIdHeader);
		this.traceIds = traceIds;
	}

	static Metadata.Key<String> requestIdKey(String header) {
		Assert.isTrue(header != null && !header.endsWith(Metadata.BINARY_HEADER_SUFFIX),
				() -> "platform.grpc.logging.request-id.header must be an ASCII header name, not '" + header + "'");
		try {
			return Metadata.Key.of(header, Metadata.ASCII_STRING_MARSHALLER);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"platform.grpc.logging.request-id.header must be a valid header name, not '" + header + "'", ex);
		}
	}

	private static Level toSlf4j(LogLevel level) {
		return switch (level) {
			case TRACE -> Level.TRACE;
			case DEBUG -> Level.DEBUG;
			case INFO -> Level.INFO;
			case WARN -> Level.WARN;
			case ERROR, FATAL -> Level.ERROR;
			case OFF -> null;
		};
	}

	@Override
	public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
		String callerRequestId = RequestIds.fromCaller(headers.get(this.requestIdKey));
		GrpcCallAttributes attributes = new GrpcCallAttributes();
		attributes.setRequestId((callerRequestId != null) ? callerRequestId : RequestIds.generate());
		return new AccessLogTracer(this, fullMethodName, attributes, callerRequestId != null,
				headers.get(BridgedPeer.KEY));
	}

	private boolean isEnabled() {
		return this.level != null && logger.isEnabledForLevel(this.level);
	}

	private void write(AccessLogTracer call, Status status, long durationNanos) {
		GrpcCallAttributes attributes = call.attributes;
		Context context = call.context;
		String traceId = (context != null) ? this.traceIds.apply(context) : null;

		StringBuilder line = new StringBuilder(192);
		LoggingEventBuilder event = logger.atLevel(this.level);
		// Values a caller chose are checked and quoted where needed; the others cannot break a line.
		append(line, event, "method", truncate(call.fullMethodName), !call.methodKnown);
		append(line, event, "status", status.getCode().name(), false);
		line.append(" duration_ms=");
		appendMillis(line, durationNanos);
		event.addKeyValue("duration_ms", durationNanos / 1_000_000.0);
		SocketAddress peer = call.peer;
		append(line, event, "peer", peer(peer), !(peer instanceof InetSocketAddress));
		append(line, event, "principal", truncate(attributes.getPrincipal()), true);
		append(line, event, "request_id", attributes.getRequestId(), call.callerRequestId);
		append(line, event, "trace_id", traceId, false);
		event.log(line.toString());
	}

	private static void append(StringBuilder line, LoggingEventBuilder event, String key, String value,
			boolean fromCaller) {
		if (value == null) {
			return;
		}
		event.addKeyValue(key, value);
		if (!line.isEmpty()) {
			line.append(' ');
		}
		line.append(key).append('=');
		if (fromCaller) {
			appendValue(line, value);
		}
		else {
			line.append(value);
		}
	}

	static void appendValue(StringBuilder line, String value) {
		if (isPlain(value)) {
			line.append(value);
			return;
		}
		line.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> line.append("\\\"");
				case '\\' -> line.append("\\\\");
				case '\n' -> line.append("\\n");
				case '\r' -> line.append("\\r");
				case '\t' -> line.append("\\t");
				default -> {
					if (c < 0x20 || c == 0x7f || Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
						line.append(String.format("\\u%04x", (int) c));
					}
					else {
						line.append(c);
					}
				}
			}
		}
		line.append('"');
	}

	private static boolean isPlain(String value) {
		if (value.isEmpty()) {
			return false;
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c <= ' ' || c == '"' || c == '\\' || c == '=' || c >= 0x7f) {
				return false;
			}
		}
		return true;
	}

	private static void appendMillis(StringBuilder line, long nanos) {
		long micros = nanos / 1000;
		line.append(micros / 1000).append('.');
		long fraction = micros % 1000;
		if (fraction < 100) {
			line.append('0');
		}
		if (fraction < 10) {
			line.append('0');
		}
		line.append(fraction);
	}

	private static String truncate(String value) {
		return (value != null && value.length() > MAX_VALUE_LENGTH) ? value.substring(0, MAX_VALUE_LENGTH) + "..."
				: value;
	}

	private static String peer(SocketAddress address) {
		if (address instanceof InetSocketAddress inet) {
			InetAddress ip = inet.getAddress();
			String host = (ip != null) ? ip.getHostAddress() : inet.getHostString();
			return (host.indexOf(':') >= 0) ? "[" + host + "]:" + inet.getPort() : host + ":" + inet.getPort();
		}
		return (address != null) ? truncate(address.toString()) : null;
	}

	/**
	 * Per-call state: created and closed by the transport, the peer learned on the application
	 * executor when the call starts.
	 */
	private static final class AccessLogTracer extends ServerStreamTracer {

		private final GrpcAccessLog accessLog;

		private final String fullMethodName;

		private final GrpcCallAttributes attributes;

		private final boolean callerRequestId;

		private final long startNanos;

		private volatile Context context;

		private volatile SocketAddress peer;

		// A method the server serves: its name is an identifier, not arbitrary caller input.
		private volatile boolean methodKnown;

		// The HTTP client's address when the call came in over gRPC-Web or JSON.
		private final @Nullable String bridgedPeer;

		AccessLogTracer(GrpcAccessLog accessLog, String fullMethodName, GrpcCallAttributes attributes,
				boolean callerRequestId, @Nullable String bridgedPeer) {
			this.accessLog = accessLog;
			this.bridgedPeer = bridgedPeer;
			this.fullMethodName = fullMethodName;
			this.attributes = attributes;
			this.callerRequestId = callerRequestId;
			this.startNanos = System.nanoTime();
		}

		@Override
		public Context filterContext(Context context) {
			// The context as the stream tracers before this one left it: with the call's span.
			this.context = context;
			return context.withValue(GrpcCallAttributes.KEY, this.attributes);
		}

		@Override
		public void serverCallStarted(ServerCallInfo<?, ?> callInfo) {
			this.peer = BridgedPeer.resolve(callInfo.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
					this.bridgedPeer);
			this.methodKnown = true;
		}

		@Override
		public void streamClosed(Status status) {
			if (this.accessLog.isEnabled()) {
				this.accessLog.write(this, status, System.nanoTime() - this.startNanos);
			}
		}

	}

}
