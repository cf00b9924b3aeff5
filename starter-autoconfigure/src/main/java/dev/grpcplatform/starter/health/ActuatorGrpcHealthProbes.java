package dev.grpcplatform.starter.health;

import java.lang.reflect.Method;

import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.util.Assert;
import org.springframework.util.ReflectionUtils;

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

	private static final String UP = "UP";

	// Actuator's Status carries Jackson annotations while jackson-annotations is only a runtime
	// dependency of Actuator; naming Status in code makes javac warn, which fails this -Werror
	// build. Status.toString() is its code.
	private static final Method GET_STATUS = ReflectionUtils.findMethod(HealthComponent.class, "getStatus");

	private final HealthEndpoint healthEndpoint;

	private final GrpcHealthProbes fallback;

	public ActuatorGrpcHealthProbes(HealthEndpoint healthEndpoint, GrpcHealthProbes fallback) {
		Assert.state(GET_STATUS != null, "HealthComponent.getStatus() not found");
		this.healthEndpoint = healthEndpoint;
		this.fallback = fallback;
	}

	@Override
	public boolean isReady() {
		Object health = this.healthEndpoint.healthForPath(READINESS_GROUP);
		return (health != null) ? isUp(health) : this.fallback.isReady();
	}

	@Override
	public boolean isLive() {
		Object health = this.healthEndpoint.healthForPath(LIVENESS_GROUP);
		return (health != null) ? isUp(health) : this.fallback.isLive();
	}

	private static boolean isUp(Object health) {
		return UP.equals(String.valueOf(ReflectionUtils.invokeMethod(GET_STATUS, health)));
	}

}
