package dev.grpcplatform.chat.users;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;

/**
 * Configuration of the lookups of members in user-service (channel {@code user-service}, whose
 * address is {@code spring.grpc.client.channel.user-service.target} on Spring Boot 4.1 and
 * {@code grpc.client.user-service.address} on Spring Boot 3.5).
 */
@ConfigurationProperties("chat.users")
public class UserLookupProperties {

	/**
	 * Time one lookup may take, retries included, before the join fails with UNAVAILABLE.
	 */
	private Duration deadline = Duration.ofSeconds(2);

	/**
	 * Most attempts of a lookup that fails with UNAVAILABLE (the first one included), spread over
	 * user-service's instances by round_robin.
	 */
	private int maxAttempts = 3;

	/**
	 * Wait before the first retry; doubles with each further retry, up to one second.
	 */
	private Duration initialBackoff = Duration.ofMillis(100);

	/**
	 * How long a user that was found is remembered; name changes show up after this at the latest.
	 */
	private Duration cacheTtl = Duration.ofSeconds(30);

	/**
	 * Most users remembered at once; 0 asks user-service at every join.
	 */
	private long cacheSize = 10_000;

	public Duration getDeadline() {
		return this.deadline;
	}

	public void setDeadline(Duration deadline) {
		Assert.isTrue(deadline != null && deadline.toMillis() > 0, "chat.users.deadline must be positive");
		this.deadline = deadline;
	}

	public int getMaxAttempts() {
		return this.maxAttempts;
	}

	public void setMaxAttempts(int maxAttempts) {
		Assert.isTrue(maxAttempts >= 1, "chat.users.max-attempts must be at least 1");
		this.maxAttempts = maxAttempts;
	}

	public Duration getInitialBackoff() {
		return this.initialBackoff;
	}

	public void setInitialBackoff(Duration initialBackoff) {
		Assert.isTrue(initialBackoff != null && initialBackoff.toMillis() > 0,
				"chat.users.initial-backoff must be positive");
		this.initialBackoff = initialBackoff;
	}

	public Duration getCacheTtl() {
		return this.cacheTtl;
	}

	public void setCacheTtl(Duration cacheTtl) {
		this.cacheTtl = cacheTtl;
	}

	public long getCacheSize() {
		return this.cacheSize;
	}

	public void setCacheSize(long cacheSize) {
		Assert.isTrue(cacheSize >= 0, "chat.users.cache-size must not be negative");
		this.cacheSize = cacheSize;
	}

}
