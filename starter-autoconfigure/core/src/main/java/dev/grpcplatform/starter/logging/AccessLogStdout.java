package dev.grpcplatform.starter.logging;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.jspecify.annotations.Nullable;

/**
 * Access log lines the platform writes itself to standard output: logfmt or JSON, one line per call,
 * gathered in a buffer and written with one {@code write} per batch rather than one per line.
 *
 * <p>Not thread-safe: {@link GrpcAccessLog} holds its monitor while it fills and flushes it. The
 * stream is looked up at every flush, so a replaced {@link System#out} (a test's capture, a
 * container's redirection) gets the lines; {@link PrintStream} keeps each write whole against the
 * application's own console lines.
 */
final class AccessLogStdout implements GrpcAccessLog.Fields {

	// A batch's lines are written when the buffer grows past this, so a burst stays bounded.
	private static final int FLUSH_CHARS = 64 * 1024;

	private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

	private final boolean json;

	private final StringBuilder buffer = new StringBuilder(FLUSH_CHARS + 4096);

	private long cachedSecond = Long.MIN_VALUE;

	private String cachedSecondText = "";

	AccessLogStdout(boolean json) {
		this.json = json;
	}

	void beginLine(long epochMillis) {
		if (this.json) {
			this.buffer.append("{\"@timestamp\":\"");
			appendTime(epochMillis);
			this.buffer.append('"');
		}
		else {
			this.buffer.append("time=");
			appendTime(epochMillis);
		}
	}

	@Override
	public void field(String key, @Nullable String value, boolean fromCaller) {
		if (value == null) {
			return;
		}
		if (!this.json) {
			GrpcAccessLog.appendField(this.buffer, key, value, fromCaller);
			return;
		}
		this.buffer.append(",\"").append(key).append("\":");
		// A JSON string: the logfmt quoting escapes as JSON does.
		GrpcAccessLog.appendQuoted(this.buffer, value);
	}

	@Override
	public void durationMillis(long nanos) {
		this.buffer.append(this.json ? ",\"duration_ms\":" : " duration_ms=");
		GrpcAccessLog.appendMillis(this.buffer, nanos);
	}

	// Where the next line starts, so that a line that fails half-way can be taken back.
	int mark() {
		return this.buffer.length();
	}

	void reset(int mark) {
		this.buffer.setLength(Math.min(mark, this.buffer.length()));
	}

	void endLine() {
		if (this.json) {
			this.buffer.append('}');
		}
		this.buffer.append('\n');
		if (this.buffer.length() >= FLUSH_CHARS) {
			flush();
		}
	}

	void flush() {
		if (this.buffer.isEmpty()) {
			return;
		}
		byte[] bytes = this.buffer.toString().getBytes(StandardCharsets.UTF_8);
		this.buffer.setLength(0);
		PrintStream out = System.out;
		out.write(bytes, 0, bytes.length);
		out.flush();
	}

	// ISO-8601 in UTC with milliseconds; the text up to the seconds is made once per second.
	private void appendTime(long epochMillis) {
		long second = Math.floorDiv(epochMillis, 1000);
		if (second != this.cachedSecond) {
			this.cachedSecondText = SECONDS.format(LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC));
			this.cachedSecond = second;
		}
		int millis = Math.floorMod(epochMillis, 1000);
		this.buffer.append(this.cachedSecondText).append('.');
		if (millis < 100) {
			this.buffer.append('0');
		}
		if (millis < 10) {
			this.buffer.append('0');
		}
		this.buffer.append(millis).append('Z');
	}

}
