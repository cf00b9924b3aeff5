package dev.grpcplatform.starter.boot4.health;

import dev.grpcplatform.starter.health.GrpcHealthProbes;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;

/**
 * {@link GrpcHealthProbes} that follow Actuator's {@code readiness} and {@code liveness} health
 * groups, so that what a user adds to a group (a database, say) also decides gRPC health; Spring
 * Boot 4's health types ({@code org.springframework.boot.health.*}).
 *
 * <p>A group counts as up only with status {@code UP}. Where a group does not exist, the given
 * fallback decides.
 */
public class ActuatorGrpcHealthProbes implements GrpcHealthProbes {

	static final String READINESS_GROUP = "readiness";

	static final String LIVENESS_GROUP = "liveness";

	private final HealthEndpoint healthEndpoint;

	private final GrpcHealthProbes fallback;

	/**
	 * Creates probes that follow the given endpoint's groups.
	 * @param healthEndpoint Actuator's health endpoint
	 * @param fallback probes asked for a group that does not exist
	 */
	public ActuatorGrpcHealthProbes(HealthEndpoint healthEndpoint, GrpcHealthProbes fallback) {
		this.healthEndpoint = healthEndpoint;
		this.fallback = fallback;
	}

	@Override
	public boolean isReady() {
		HealthDescriptor health = group(READINESS_GROUP);
		return (health != null) ? Status.UP.equals(health.getStatus()) : this.fallback.isReady();
	}

	@Override
	public boolean isLive() {
		HealthDescriptor health = group(LIVENESS_GROUP);
		return (health != null) ? Status.UP.equals(health.getStatus()) : this.fallback.isLive();
	}

	private @Nullable HealthDescriptor group(String name) {
		return this.healthEndpoint.healthForPath(name);
	}

}
