package dev.grpcplatform.starter.logging;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.logging.LogLevel;

/**
 * Configuration of request ids and of the access log of the gRPC server.
 */
@ConfigurationProperties("platform.grpc.logging")
public class GrpcLoggingProperties {

	/**
	 * Whether to give every server call a request id, return it to the caller and write one access
	 * log line per call.
	 */
	private boolean enabled = true;

	private final AccessLog accessLog = new AccessLog();

	private final RequestId requestId = new RequestId();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public AccessLog getAccessLog() {
		return this.accessLog;
	}

	public RequestId getRequestId() {
		return this.requestId;
	}

	/**
	 * Access log settings.
	 */
	public static class AccessLog {

		/**
		 * Level at which access log lines are written, to the logger
		 * "dev.grpcplatform.starter.logging.AccessLog"; OFF writes none while request ids stay.
		 */
		private LogLevel level = LogLevel.INFO;

		/**
		 * Most access log lines waiting for the writer thread; when a burst fills the queue, further
		 * lines are dropped (never waited for) and counted by the grpc.server.access.log.dropped
		 * counter.
		 */
		private int queueCapacity = 8192;

		/**
		 * Who writes the lines: "logger" (the logger above, through the application's logging
		 * configuration: pattern, appenders, structured logging) or "stdout" (the platform itself,
		 * to standard output, one write per batch of lines; costs a fraction of a logging event per
		 * line). The logger's level switches the lines on and off either way.
		 */
		private GrpcAccessLog.Target target = GrpcAccessLog.Target.LOGGER;

		/**
		 * Format of the lines with target "stdout": "logfmt" (time=... method=... status=...) or
		 * "json" (one object per line, with @timestamp).
		 */
		private GrpcAccessLog.Format format = GrpcAccessLog.Format.LOGFMT;

		public LogLevel getLevel() {
			return this.level;
		}

		public void setLevel(LogLevel level) {
			this.level = level;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

		public GrpcAccessLog.Target getTarget() {
			return this.target;
		}

		public void setTarget(GrpcAccessLog.Target target) {
			this.target = target;
		}

		public GrpcAccessLog.Format getFormat() {
			return this.format;
		}

		public void setFormat(GrpcAccessLog.Format format) {
			this.format = format;
		}

	}

	/**
	 * Request id settings.
	 */
	public static class RequestId {

		/**
		 * Metadata key that carries the request id, taken from requests and returned in responses.
		 */
		private String header = "x-request-id";

		public String getHeader() {
			return this.header;
		}

		public void setHeader(String header) {
			this.header = header;
		}

	}

}
