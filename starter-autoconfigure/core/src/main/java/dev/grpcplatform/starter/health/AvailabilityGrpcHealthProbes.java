package dev.grpcplatform.starter.health;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;

/**
 * {@link GrpcHealthProbes} that follow Spring Boot's {@link ApplicationAvailability}.
 */
public class AvailabilityGrpcHealthProbes implements GrpcHealthProbes {

	private final ApplicationAvailability availability;

	public AvailabilityGrpcHealthProbes(ApplicationAvailability availability) {
		this.availability = availability;
	}

	@Override
	public boolean isReady() {
		return this.availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC;
	}

	@Override
	public boolean isLive() {
		return this.availability.getLivenessState() == LivenessState.CORRECT;
	}

}
