package dev.grpcplatform.starter.server;

/**
 * Order of the platform's server interceptors: a lower value runs earlier (further from the handler).
 *
 * <p>net.devh's {@code @GrpcAdvice} exception handling sits between them at {@code 0} (net.devh's
 * own security interceptors are switched off while the platform's security is on). Observability
 * runs first so it sees the final status of every call; error mapping runs just inside
 * {@code @GrpcAdvice} so that user advice keeps precedence; authentication and authorization run
 * before any message reaches the handler; validation runs last, right before the handler.
 */
public final class PlatformInterceptorOrder {

	/**
	 * Tracking of in-flight calls for graceful shutdown.
	 */
	public static final int SHUTDOWN = -2000;

	/**
	 * Metrics, tracing and access log.
	 */
	public static final int OBSERVABILITY = -1000;

	/**
	 * Mapping of exceptions to statuses, just inside net.devh's {@code @GrpcAdvice} handling.
	 */
	public static final int ERRORS = 100;

	/**
	 * Authentication of the caller.
	 */
	public static final int AUTHENTICATION = 5100;

	/**
	 * Authorization of the method for the caller.
	 */
	public static final int AUTHORIZATION = 5200;

	/**
	 * Validation of request messages, right before the handler.
	 */
	public static final int VALIDATION = 6000;

	private PlatformInterceptorOrder() {
	}

}
