package dev.grpcplatform.chat.room;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;

/**
 * Configuration of chat rooms: how many events may wait for one member, and what happens to a
 * member that falls further behind.
 */
@ConfigurationProperties("chat.rooms")
public class RoomProperties {

	/**
	 * Most events queued on the server for one member that reads more slowly than the room talks,
	 * on top of what the transport buffers (flow-control window).
	 */
	private int queueCapacity = 256;

	/**
	 * What happens to a member whose queue is full when another event arrives: drop-oldest drops
	 * the oldest queued event and later sends a Gap with the number dropped; disconnect ends its
	 * stream with RESOURCE_EXHAUSTED.
	 */
	private OverflowPolicy overflow = OverflowPolicy.DROP_OLDEST;

	public int getQueueCapacity() {
		return this.queueCapacity;
	}

	public void setQueueCapacity(int queueCapacity) {
		Assert.isTrue(queueCapacity > 0, "chat.rooms.queue-capacity must be positive");
		this.queueCapacity = queueCapacity;
	}

	public OverflowPolicy getOverflow() {
		return this.overflow;
	}

	public void setOverflow(OverflowPolicy overflow) {
		this.overflow = overflow;
	}

	/**
	 * What to do with a member whose queue is full.
	 */
	public enum OverflowPolicy {

		/**
		 * Drop the oldest queued event and tell the member with a Gap before its next event.
		 */
		DROP_OLDEST,

		/**
		 * End the member's stream with RESOURCE_EXHAUSTED.
		 */
		DISCONNECT

	}

}
