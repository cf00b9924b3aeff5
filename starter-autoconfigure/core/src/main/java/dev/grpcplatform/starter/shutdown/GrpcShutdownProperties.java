package dev.grpcplatform.starter.shutdown;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;

/**
 * Configuration of the graceful shutdown of the gRPC server.
 */
@ConfigurationProperties("platform.grpc.shutdown")
public class GrpcShutdownProperties {

	/**
	 * Whether to shut the gRPC server down gracefully: stop taking new calls, let calls in flight
	 * finish, then close what is still open with UNAVAILABLE so that clients retry elsewhere.
	 */
	private boolean enabled = true;

	/**
	 * How long calls in flight may take to finish once shutdown begins.
	 */
	private Duration gracePeriod = Duration.ofSeconds(30);

	/**
	 * Methods ("package.Service/Method") or whole services ("package.Service") whose calls never end
	 * by themselves and are closed with UNAVAILABLE as soon as shutdown begins instead of after the
	 * grace period.
	 */
	private List<String> closeImmediately = List.of("grpc.health.v1.Health/Watch", "grpc.reflection.v1.ServerReflection",
			"grpc.reflection.v1alpha.ServerReflection");

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getGracePeriod() {
		return this.gracePeriod;
	}

	public void setGracePeriod(Duration gracePeriod) {
		Assert.isTrue(gracePeriod != null && !gracePeriod.isNegative(), "grace-period must not be negative");
		this.gracePeriod = gracePeriod;
	}

	public List<String> getCloseImmediately() {
		return this.closeImmediately;
	}

	public void setCloseImmediately(List<String> closeImmediately) {
		this.closeImmediately = closeImmediately;
	}

}
