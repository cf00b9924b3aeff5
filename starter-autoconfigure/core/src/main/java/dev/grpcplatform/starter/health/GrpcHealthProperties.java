package dev.grpcplatform.starter.health;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;

/**
 * Configuration of the platform's {@code grpc.health.v1.Health} service.
 */
@ConfigurationProperties("platform.grpc.health")
public class GrpcHealthProperties {

	/**
	 * Whether to serve grpc.health.v1.Health following the application's readiness and
	 * liveness.
	 */
	private boolean enabled = true;

	/**
	 * How often the Actuator readiness and liveness groups are evaluated again; availability
	 * changes are reported at once regardless.
	 */
	private Duration refreshInterval = Duration.ofSeconds(5);

	/**
	 * Service name that reports liveness, for Kubernetes gRPC liveness probes.
	 */
	private String livenessServiceName = "liveness";

	/**
	 * Service name that reports readiness, the same status as the overall "" service.
	 */
	private String readinessServiceName = "readiness";

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getRefreshInterval() {
		return this.refreshInterval;
	}

	public void setRefreshInterval(Duration refreshInterval) {
		Assert.isTrue(refreshInterval != null && refreshInterval.toMillis() > 0,
				"refresh-interval must be at least 1ms");
		this.refreshInterval = refreshInterval;
	}

	public String getLivenessServiceName() {
		return this.livenessServiceName;
	}

	public void setLivenessServiceName(String livenessServiceName) {
		Assert.hasText(livenessServiceName, "liveness-service-name must not be empty: \"\" is the overall status");
		this.livenessServiceName = livenessServiceName;
	}

	public String getReadinessServiceName() {
		return this.readinessServiceName;
	}

	public void setReadinessServiceName(String readinessServiceName) {
		Assert.hasText(readinessServiceName, "readiness-service-name must not be empty: \"\" is the overall status");
		this.readinessServiceName = readinessServiceName;
	}

}
