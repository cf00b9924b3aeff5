package dev.grpcplatform.chat.broker;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;

/**
 * Configuration of the broker that carries room events between the members of a room, and
 * between instances.
 */
@ConfigurationProperties("chat.broker")
public class BrokerProperties {

	/**
	 * Broker of room events: memory (one instance: rooms are not shared) or redis (pub/sub over
	 * spring.data.redis.*, so that several instances share rooms).
	 */
	private Type type = Type.MEMORY;

	/**
	 * Time a member stays listed in a room's Redis membership set without its instance renewing
	 * it, so that the members of an instance that died disappear.
	 */
	private Duration presenceTtl = Duration.ofSeconds(30);

	public Type getType() {
		return this.type;
	}

	public void setType(Type type) {
		this.type = type;
	}

	public Duration getPresenceTtl() {
		return this.presenceTtl;
	}

	public void setPresenceTtl(Duration presenceTtl) {
		Assert.isTrue(presenceTtl != null && presenceTtl.toMillis() >= 300,
				"chat.broker.presence-ttl must be at least 300ms");
		this.presenceTtl = presenceTtl;
	}

	/**
	 * Kinds of brokers.
	 */
	public enum Type {

		/**
		 * In this instance only.
		 */
		MEMORY,

		/**
		 * Redis pub/sub, shared by every instance that uses the same Redis.
		 */
		REDIS

	}

}
