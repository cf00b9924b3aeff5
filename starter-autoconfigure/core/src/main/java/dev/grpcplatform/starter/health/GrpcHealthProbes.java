package dev.grpcplatform.starter.health;

/**
 * Source of the application's readiness and liveness as the gRPC health service reports them.
 *
 * <p>The platform provides one that follows Actuator's {@code readiness} and {@code liveness}
 * health groups, or Spring Boot's {@code ApplicationAvailability} without Actuator. Declare a bean
 * of this type to decide otherwise. Implementations may block briefly (a database check, say): they
 * are called on the health refresh thread, never on a request thread.
 */
public interface GrpcHealthProbes {

	/**
	 * Whether the application accepts traffic now.
	 * @return {@code true} if ready
	 */
	boolean isReady();

	/**
	 * Whether the application is alive now (restarting it would not help).
	 * @return {@code true} if live
	 */
	boolean isLive();

}
