package dev.grpcplatform.starter.boot3.health;

import dev.grpcplatform.starter.health.GrpcHealthProbes;

import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;

/**
 * {@link GrpcHealthProbes} that follow Actuator's {@code readiness} and {@code liveness} health
 * groups, so that what a user adds to a group (a database, say) also decides gRPC health.
 *
 * <p>A group counts as up only with status {@code UP}. Where a group does not exist, the given
 * fallback decides.
 */
public class ActuatorGrpcHealthProbes implements GrpcHealthProbes {

	static final String READINESS_GROUP = "readiness";

	static final String LIVENESS_GROUP = "liveness";

	private final HealthEndpoint healthEndpoint;

	private final GrpcHealthProbes fallback;

	public ActuatorGrpcHealthProbes(HealthEndpoint healthEndpoint, GrpcHealthProbes fallback) {
		this.healthEndpoint = healthEndpoint;
		this.fallback = fallback;
	}

	@Override
	public boolean isReady() {
		HealthComponent health = this.healthEndpoint.healthForPath(READINESS_GROUP);
		return (health != null) ? Status.UP.equals(health.getStatus()) : this.fallback.isReady();
	}

	@Override
	public boolean isLive() {
		HealthComponent health = this.healthEndpoint.healthForPath(LIVENESS_GROUP);
		return (health != null) ? Status.UP.equals(health.getStatus()) : this.fallback.isLive();
	}

}
