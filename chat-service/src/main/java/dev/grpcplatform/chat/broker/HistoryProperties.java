package dev.grpcplatform.chat.broker;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;

/**
 * Configuration of the rooms' message histories, from which members that join again with
 * {@code resume_after_message_id} receive what they missed: in memory with the memory broker,
 * one Redis Stream per room ({@code chat:room:<id>:history}) with the redis broker.
 */
@ConfigurationProperties("chat.history")
public class HistoryProperties {

	/**
	 * Most messages kept per room; older ones are dropped as new ones arrive, and a member that
	 * resumes from further back gets a Gap with the number it lost. Redis trims its streams
	 * approximately (MAXLEN ~), so it may keep up to about 100 more.
	 */
	private int size = 2000;

	/**
	 * Time a room's history is kept after its last message; after it, the room's numbering starts
	 * again at 1 and resuming from an earlier message fails with NOT_FOUND.
	 */
	private Duration ttl = Duration.ofHours(24);

	public int getSize() {
		return this.size;
	}

	public void setSize(int size) {
		Assert.isTrue(size > 0, "chat.history.size must be positive");
		this.size = size;
	}

	public Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(Duration ttl) {
		Assert.isTrue(ttl != null && ttl.toMillis() >= 1000, "chat.history.ttl must be at least 1s");
		this.ttl = ttl;
	}

}
