package dev.grpcplatform.starter.logging;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import dev.grpcplatform.starter.internal.BridgedPeer;
import dev.grpcplatform.starter.server.GrpcCallAttributes;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
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
 * structured logging (ECS, Logstash, GELF) writes as fields. It is written only when the logger
 * {@value #LOGGER_NAME} is enabled for the configured level. With {@link Target#STDOUT} the platform
 * writes the lines itself, logfmt or JSON with the time the call ended, to standard output with one
 * write per batch, without a logging event per line.
 *
 * <p>Lines are never built or written on the thread that closes the stream (a transport thread):
 * the finished call joins a bounded queue, and one daemon thread, {@value #WRITER_THREAD_NAME},
 * takes the queue in batches every few milliseconds (every 100 ms at most when no call comes) and
 * writes the lines in call order. When a
 * burst fills the queue, the lines that do not fit are dropped rather than holding up calls; they
 * are counted by {@link #getDroppedLines()}, the Micrometer counter {@value #DROPPED_METER_NAME}
 * (this is a {@link MeterBinder}) and a warning. {@link #close()} (called when the application
 * context closes, after the gRPC server stopped) writes every line still queued; a call that ends
 * after that has its line written on its own thread.
 */
public class GrpcAccessLog extends ServerStreamTracer.Factory implements MeterBinder, AutoCloseable {

	/**
	 * Name of the logger that writes the access log.
	 */
	public static final String LOGGER_NAME = "dev.grpcplatform.starter.logging.AccessLog";

	/**
	 * Name of the counter of access log lines dropped because the queue was full.
	 */
	public static final String DROPPED_METER_NAME = "grpc.server.access.log.dropped";

	/**
	 * Name of the thread that writes the lines.
	 */
	public static final String WRITER_THREAD_NAME = "grpc-access-log";

	/**
	 * Lines a queue holds unless configured otherwise.
	 */
	public static final int DEFAULT_QUEUE_CAPACITY = 8192;

	private static final int MAX_VALUE_LENGTH = 256;

	private static final int BATCH_SIZE = 512;

	// How long the writer sleeps when the queue is empty: 5 ms while calls come, doubling up to 100 ms
	// while none do, so that an idle service does not wake it 200 times a second. Callers never wake it
	// in steady traffic (a call costs no thread hand-off); one that finds the sleeping writer's queue a
	// quarter full does, so that a burst after a quiet spell is not dropped.
	private static final long WRITER_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	private static final long WRITER_IDLE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private static final long DROP_WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private static final Logger logger = LoggerFactory.getLogger(LOGGER_NAME);

	private static final Logger ownLogger = LoggerFactory.getLogger(GrpcAccessLog.class);

	private final Level level;

	private final Metadata.Key<String> requestIdKey;

	private final Function<Context, String> traceIds;

	private final ArrayBlockingQueue<AccessLogTracer> queue;

	private final AtomicLong droppedLines = new AtomicLong();

	private final Object lifecycleMonitor = new Object();

	private volatile boolean closed;

	// Whether the writer sleeps longer than WRITER_PAUSE_NANOS.
	private volatile boolean writerIdle;

	private final int wakeUpSize;

	private Thread writer;

	// Where lines go when the platform writes them itself; null when the logger writes them.
	private final @Nullable AccessLogStdout stdout;

	/**
	 * Creates an access log with a queue of {@value #DEFAULT_QUEUE_CAPACITY} lines.
	 * @param level level of the lines, {@link LogLevel#OFF} for none
	 * @param requestIdHeader metadata key of the caller's request id
	 * @param traceIds trace id of the call of a gRPC context, or {@code null} when it has none
	 */
	public GrpcAccessLog(LogLevel level, String requestIdHeader, Function<Context, String> traceIds) {
		this(level, requestIdHeader, traceIds, DEFAULT_QUEUE_CAPACITY);
	}

	/**
	 * Creates an access log.
	 * @param level level of the lines, {@link LogLevel#OFF} for none
	 * @param requestIdHeader metadata key of the caller's request id
	 * @param traceIds trace id of the call of a gRPC context, or {@code null} when it has none
	 * @param queueCapacity most lines waiting to be written; more are dropped and counted
	 */
	public GrpcAccessLog(LogLevel level, String requestIdHeader, Function<Context, String> traceIds,
			int queueCapacity) {
		this(level, requestIdHeader, traceIds, queueCapacity, Target.LOGGER, Format.LOGFMT);
	}

	/**
	 * Creates an access log.
	 * @param level level of the lines, {@link LogLevel#OFF} for none
	 * @param requestIdHeader metadata key of the caller's request id
	 * @param traceIds trace id of the call of a gRPC context, or {@code null} when it has none
	 * @param queueCapacity most lines waiting to be written; more are dropped and counted
	 * @param target who writes the lines
	 * @param format format of the lines the platform writes itself ({@link Target#STDOUT})
	 */
	public GrpcAccessLog(LogLevel level, String requestIdHeader, Function<Context, String> traceIds,
			int queueCapacity, Target target, Format format) {
		Assert.notNull(level, "level must not be null");
		Assert.notNull(target, "target must not be null");
		Assert.notNull(format, "format must not be null");
		Assert.notNull(traceIds, "traceIds must not be null");
		Assert.isTrue(queueCapacity > 0,
				() -> "platform.grpc.logging.access-log.queue-capacity must be positive, not " + queueCapacity);
		this.level = toSlf4j(level);
		this.requestIdKey = requestIdKey(requestIdHeader);
		this.traceIds = traceIds;
		this.queue = new ArrayBlockingQueue<>(queueCapacity);
		this.wakeUpSize = Math.max(1, queueCapacity / 4);
		this.stdout = (target == Target.STDOUT) ? new AccessLogStdout(format == Format.JSON) : null;
	}

	/**
	 * Who writes the access log lines.
	 */
	public enum Target {

		/**
		 * The logger {@value GrpcAccessLog#LOGGER_NAME}, through the application's logging
		 * configuration: one logging event per line, with its pattern, appenders and structured
		 * logging.
		 */
		LOGGER,

		/**
		 * The platform itself, to standard output: each batch of lines in one write, without a
		 * logging event per line. The logger's level still switches the lines on and off.
		 */
		STDOUT

	}

	/**
	 * Format of the lines the platform writes itself.
	 */
	public enum Format {

		/**
		 * {@code time=<ISO-8601 UTC> method=... status=...}: the logger's message with the time the
		 * call ended in front.
		 */
		LOGFMT,

		/**
		 * One JSON object per line: {@code @timestamp} and the same fields.
		 */
		JSON

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

	/**
	 * Returns how many lines were dropped because the queue was full.
	 * @return lines dropped since the access log was created
	 */
	public long getDroppedLines() {
		return this.droppedLines.get();
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionCounter.builder(DROPPED_METER_NAME, this.droppedLines, AtomicLong::get)
			.description("Access log lines dropped because a burst of calls filled the queue")
			.register(registry);
	}

	/**
	 * Writes every line still queued and stops the writer thread; lines of calls that end later are
	 * written on the thread that ends them.
	 */
	@Override
	public void close() {
		Thread running;
		synchronized (this.lifecycleMonitor) {
			this.closed = true;
			running = this.writer;
		}
		if (running != null) {
			LockSupport.unpark(running);
			try {
				running.join(TimeUnit.SECONDS.toMillis(10));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		drain();
	}

	private boolean isEnabled() {
		return this.level != null && logger.isEnabledForLevel(this.level);
	}

	private void enqueue(AccessLogTracer call) {
		if (this.closed) {
			write(call);
			return;
		}
		startWriter();
		if (!this.queue.offer(call)) {
			this.droppedLines.incrementAndGet();
		}
		else if (this.writerIdle && this.queue.size() >= this.wakeUpSize) {
			this.writerIdle = false;
			LockSupport.unpark(this.writer);
		}
		else if (this.closed) {
			// close() may have drained the queue just before this call joined it.
			drain();
		}
	}

	private void startWriter() {
		if (this.writer != null) {
			return;
		}
		synchronized (this.lifecycleMonitor) {
			if (this.writer == null && !this.closed) {
				Thread thread = new Thread(this::writeLoop, WRITER_THREAD_NAME);
				thread.setDaemon(true);
				thread.start();
				this.writer = thread;
			}
		}
	}

	private void writeLoop() {
		List<AccessLogTracer> batch = new ArrayList<>(BATCH_SIZE);
		long reportedDrops = 0;
		long lastDropWarning = System.nanoTime() - DROP_WARNING_INTERVAL_NANOS;
		long pause = WRITER_PAUSE_NANOS;
		while (!this.closed) {
			if (this.queue.drainTo(batch, BATCH_SIZE) == 0) {
				this.writerIdle = pause > WRITER_PAUSE_NANOS;
				LockSupport.parkNanos(this, pause);
				this.writerIdle = false;
				pause = Math.min(pause * 2, WRITER_IDLE_PAUSE_NANOS);
			}
			else {
				writeAll(batch);
				pause = WRITER_PAUSE_NANOS;
			}
			long drops = this.droppedLines.get();
			if (drops != reportedDrops && System.nanoTime() - lastDropWarning >= DROP_WARNING_INTERVAL_NANOS) {
				ownLogger.warn("Dropped {} access log line(s) so far: the queue of {} lines was full; raise "
						+ "platform.grpc.logging.access-log.queue-capacity or lower the call rate the log sees",
						drops, this.queue.remainingCapacity() + this.queue.size());
				reportedDrops = drops;
				lastDropWarning = System.nanoTime();
			}
		}
	}

	private void drain() {
		List<AccessLogTracer> batch = new ArrayList<>();
		while (this.queue.drainTo(batch, BATCH_SIZE) > 0) {
			writeAll(batch);
		}
	}

	private void writeAll(List<AccessLogTracer> batch) {
		if (this.stdout != null) {
			writeToStdout(batch);
			return;
		}
		for (AccessLogTracer call : batch) {
			try {
				write(call);
			}
			catch (RuntimeException ex) {
				// An appender's failure costs one line, never the writer thread.
				ownLogger.warn("Could not write an access log line", ex);
			}
		}
		batch.clear();
	}

	private void writeToStdout(List<AccessLogTracer> batch) {
		AccessLogStdout stdout = this.stdout;
		synchronized (stdout) {
			for (AccessLogTracer call : batch) {
				int lineStart = stdout.mark();
				try {
					stdout.beginLine(call.endMillis);
					fields(call, stdout);
					stdout.endLine();
				}
				catch (RuntimeException ex) {
					// A failure costs one line (none of it is written), never the writer thread.
					stdout.reset(lineStart);
					ownLogger.warn("Could not write an access log line", ex);
				}
			}
			stdout.flush();
			batch.clear();
		}
	}

	private void write(AccessLogTracer call) {
		if (this.stdout != null) {
			List<AccessLogTracer> one = new ArrayList<>(1);
			one.add(call);
			writeToStdout(one);
			return;
		}
		LoggerLine line = new LoggerLine(logger.atLevel(this.level));
		fields(call, line);
		line.log();
	}

	// Hands the fields of a call's line to a line, in the order they are written.
	private void fields(AccessLogTracer call, Fields line) {
		GrpcCallAttributes attributes = call.attributes;
		Context context = call.context;
		// Values a caller chose are checked and quoted where needed; the others cannot break a line.
		line.field("method", truncate(call.fullMethodName), !call.methodKnown);
		line.field("status", call.status.getCode().name(), false);
		line.durationMillis(call.durationNanos);
		SocketAddress peer = call.peer;
		line.field("peer", peer(peer), !(peer instanceof InetSocketAddress));
		line.field("principal", truncate(attributes.getPrincipal()), true);
		line.field("request_id", attributes.getRequestId(), call.callerRequestId);
		line.field("trace_id", (context != null) ? this.traceIds.apply(context) : null, false);
	}

	/**
	 * The fields of one line, as {@link #fields} hands them over.
	 */
	interface Fields {

		/**
		 * Adds a field unless its value is {@code null}.
		 * @param key the field's name
		 * @param value its value, or {@code null} when the call has none
		 * @param fromCaller whether a caller chose the value (so it must be checked and escaped)
		 */
		void field(String key, @Nullable String value, boolean fromCaller);

		/**
		 * Adds the call's duration, {@code duration_ms}, in milliseconds with three decimals.
		 * @param nanos the duration in nanoseconds
		 */
		void durationMillis(long nanos);

	}

	/**
	 * A line for the logger: a logfmt message and the same fields as key-value pairs.
	 */
	private static final class LoggerLine implements Fields {

		private final StringBuilder line = new StringBuilder(192);

		private final LoggingEventBuilder event;

		LoggerLine(LoggingEventBuilder event) {
			this.event = event;
		}

		@Override
		public void field(String key, @Nullable String value, boolean fromCaller) {
			if (value == null) {
				return;
			}
			this.event.addKeyValue(key, value);
			appendField(this.line, key, value, fromCaller);
		}

		@Override
		public void durationMillis(long nanos) {
			this.line.append(" duration_ms=");
			appendMillis(this.line, nanos);
			this.event.addKeyValue("duration_ms", nanos / 1_000_000.0);
		}

		void log() {
			this.event.log(this.line.toString());
		}

	}

	static void appendField(StringBuilder line, String key, String value, boolean fromCaller) {
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
		appendQuoted(line, value);
	}

	/**
	 * Appends a value in double quotes, escaped as a JSON string is: quotes, backslashes, control
	 * characters, the characters that change how text is shown (bidirectional overrides and other
	 * format characters) and lone surrogates (which UTF-8 cannot carry).
	 * @param line where to append
	 * @param value the value
	 */
	static void appendQuoted(StringBuilder line, String value) {
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
					if (c < 0x20 || c == 0x7f || (c >= 0x80 && (Character.isISOControl(c)
							|| Character.getType(c) == Character.FORMAT || isLoneSurrogate(value, i)))) {
						String hex = Integer.toHexString(c);
						line.append("\\u").append("0000", hex.length(), 4).append(hex);
					}
					else {
						line.append(c);
					}
				}
			}
		}
		line.append('"');
	}

	private static boolean isLoneSurrogate(String value, int i) {
		char c = value.charAt(i);
		if (Character.isHighSurrogate(c)) {
			return i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1));
		}
		return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(value.charAt(i - 1)));
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

	static void appendMillis(StringBuilder line, long nanos) {
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

		// Set when the stream closes, before the call joins the queue (which publishes them).
		private Status status = Status.UNKNOWN;

		private long durationNanos;

		// Wall-clock time the call ended, for the time of a line the platform writes itself (target
		// stdout); not read on the call's thread otherwise.
		private long endMillis;

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
				this.durationNanos = System.nanoTime() - this.startNanos;
				if (this.accessLog.stdout != null) {
					// Only a line the platform writes carries a time of its own.
					this.endMillis = System.currentTimeMillis();
				}
				this.status = status;
				this.accessLog.enqueue(this);
			}
		}

	}

}
