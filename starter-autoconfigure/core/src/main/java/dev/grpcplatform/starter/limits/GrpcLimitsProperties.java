package dev.grpcplatform.starter.limits;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Limits of the gRPC server: message and metadata sizes, call deadlines, concurrency, keepalive,
 * connection age and the executor that runs handlers.
 *
 * <p>These take precedence over net.devh's equivalent {@code grpc.server.*} keys.
 */
@ConfigurationProperties("platform.grpc.limits")
public class GrpcLimitsProperties {

	/**
	 * Whether the platform applies these limits to the gRPC server.
	 */
	private boolean enabled = true;

	/**
	 * Largest request message the server accepts; larger ones fail with RESOURCE_EXHAUSTED.
	 */
	private DataSize maxInboundMessageSize = DataSize.ofMegabytes(4);

	/**
	 * Largest request metadata (headers) the server accepts.
	 */
	private DataSize maxInboundMetadataSize = DataSize.ofKilobytes(8);

	/**
	 * Most calls one connection may have open at once (HTTP/2 MAX_CONCURRENT_STREAMS); clients
	 * queue calls beyond it.
	 */
	private int maxConcurrentCallsPerConnection = 200;

	/**
	 * Longest deadline a call may run with, calls that come without one included: a longer one is
	 * cut to this, and the call ends with DEADLINE_EXCEEDED when it passes. Unset leaves callers'
	 * deadlines as they are.
	 */
	private Duration maxDeadline;

	/**
	 * Deadline given to unary calls that come without one; unset gives them none.
	 */
	private Duration defaultDeadline = Duration.ofSeconds(30);

	/**
	 * Deadline given to streaming calls (client, server and bidirectional streaming) that come
	 * without one; unset leaves them open as long as both sides want, as chat-like streams need.
	 */
	private Duration streamingDefaultDeadline;

	/**
	 * Deadline settings per method ("package.Service/Method") or per service ("package.Service"):
	 * default-deadline and max-deadline (zero means none), replacing the general ones for the
	 * calls they name; a method's entry wins over its service's.
	 */
	private final Map<String, Deadlines> deadlines = new LinkedHashMap<>();

	private final Keepalive keepalive = new Keepalive();

	private final Connection connection = new Connection();

	private final Executor executor = new Executor();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public DataSize getMaxInboundMessageSize() {
		return this.maxInboundMessageSize;
	}

	public void setMaxInboundMessageSize(DataSize maxInboundMessageSize) {
		this.maxInboundMessageSize = maxInboundMessageSize;
	}

	public DataSize getMaxInboundMetadataSize() {
		return this.maxInboundMetadataSize;
	}

	public void setMaxInboundMetadataSize(DataSize maxInboundMetadataSize) {
		this.maxInboundMetadataSize = maxInboundMetadataSize;
	}

	public int getMaxConcurrentCallsPerConnection() {
		return this.maxConcurrentCallsPerConnection;
	}

	public void setMaxConcurrentCallsPerConnection(int maxConcurrentCallsPerConnection) {
		this.maxConcurrentCallsPerConnection = maxConcurrentCallsPerConnection;
	}

	public Duration getMaxDeadline() {
		return this.maxDeadline;
	}

	public void setMaxDeadline(Duration maxDeadline) {
		this.maxDeadline = maxDeadline;
	}

	public Duration getDefaultDeadline() {
		return this.defaultDeadline;
	}

	public void setDefaultDeadline(Duration defaultDeadline) {
		this.defaultDeadline = defaultDeadline;
	}

	public Duration getStreamingDefaultDeadline() {
		return this.streamingDefaultDeadline;
	}

	public void setStreamingDefaultDeadline(Duration streamingDefaultDeadline) {
		this.streamingDefaultDeadline = streamingDefaultDeadline;
	}

	public Map<String, Deadlines> getDeadlines() {
		return this.deadlines;
	}

	public Keepalive getKeepalive() {
		return this.keepalive;
	}

	/**
	 * Deadline settings of one method or service.
	 */
	public static class Deadlines {

		/**
		 * Deadline given to calls of this method or service that come without one; zero gives
		 * them none. Unset keeps the general default of the call's shape.
		 */
		private Duration defaultDeadline;

		/**
		 * Longest deadline calls of this method or service may run with; zero removes the general
		 * cap. Unset keeps the general max-deadline.
		 */
		private Duration maxDeadline;

		public Duration getDefaultDeadline() {
			return this.defaultDeadline;
		}

		public void setDefaultDeadline(Duration defaultDeadline) {
			this.defaultDeadline = defaultDeadline;
		}

		public Duration getMaxDeadline() {
			return this.maxDeadline;
		}

		public void setMaxDeadline(Duration maxDeadline) {
			this.maxDeadline = maxDeadline;
		}

	}

	public Connection getConnection() {
		return this.connection;
	}

	public Executor getExecutor() {
		return this.executor;
	}

	/**
	 * HTTP/2 keepalive: pings the server sends, and pings it tolerates from clients.
	 */
	public static class Keepalive {

		/**
		 * Idle time after which the server pings a client to check the connection is alive.
		 */
		private Duration time = Duration.ofMinutes(1);

		/**
		 * Time to wait for a ping acknowledgement before closing the connection.
		 */
		private Duration timeout = Duration.ofSeconds(20);

		/**
		 * Shortest interval between client pings the server tolerates; clients pinging more often
		 * are disconnected with ENHANCE_YOUR_CALM.
		 */
		private Duration permitTime = Duration.ofSeconds(10);

		/**
		 * Whether clients may ping while they have no call open (long-lived idle channels).
		 */
		private boolean permitWithoutCalls = true;

		public Duration getTime() {
			return this.time;
		}

		public void setTime(Duration time) {
			this.time = time;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getPermitTime() {
			return this.permitTime;
		}

		public void setPermitTime(Duration permitTime) {
			this.permitTime = permitTime;
		}

		public boolean isPermitWithoutCalls() {
			return this.permitWithoutCalls;
		}

		public void setPermitWithoutCalls(boolean permitWithoutCalls) {
			this.permitWithoutCalls = permitWithoutCalls;
		}

	}

	/**
	 * Connection lifetime, so that clients reconnect and spread over new replicas.
	 */
	public static class Connection {

		/**
		 * Time a connection without calls may stay open; unset keeps idle connections.
		 */
		private Duration maxIdle;

		/**
		 * Age after which the server asks a client to reconnect (GOAWAY), jittered by +/-10%
		 * so that clients rebalance over replicas added since they connected.
		 */
		private Duration maxAge = Duration.ofMinutes(10);

		/**
		 * Time calls still open on a connection past its maximum age get to finish before the
		 * connection is closed (they then end with UNAVAILABLE).
		 */
		private Duration maxAgeGrace = Duration.ofMinutes(1);

		public Duration getMaxIdle() {
			return this.maxIdle;
		}

		public void setMaxIdle(Duration maxIdle) {
			this.maxIdle = maxIdle;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

		public Duration getMaxAgeGrace() {
			return this.maxAgeGrace;
		}

		public void setMaxAgeGrace(Duration maxAgeGrace) {
			this.maxAgeGrace = maxAgeGrace;
		}

	}

	/**
	 * Executor that runs service handlers. With {@code spring.threads.virtual.enabled=true} on
	 * Java 21 or later, each call runs on a virtual thread instead and max-threads does not apply.
	 */
	public static class Executor {

		/**
		 * Most platform threads that run handlers at once; further work queues until a thread
		 * is free.
		 */
		private int maxThreads = 200;

		/**
		 * Time an idle handler thread is kept before it ends.
		 */
		private Duration keepAlive = Duration.ofSeconds(60);

		public int getMaxThreads() {
			return this.maxThreads;
		}

		public void setMaxThreads(int maxThreads) {
			this.maxThreads = maxThreads;
		}

		public Duration getKeepAlive() {
			return this.keepAlive;
		}

		public void setKeepAlive(Duration keepAlive) {
			this.keepAlive = keepAlive;
		}

	}

}
