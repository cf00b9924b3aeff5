package dev.grpcplatform.chat.room;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Random;

/**
 * Message ids in the ULID format: 26 characters of Crockford base32, the first 10 the time in
 * milliseconds, the other 16 random. Unique across instances and restarts without coordination,
 * and in the order this instance created them (within one millisecond the random part counts up).
 */
final class MessageIds {

	private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

	private final Clock clock;

	private final Random random;

	private long lastMillis = -1;

	/**
	 * Upper 16 bits of the 80-bit random part.
	 */
	private long randomHigh;

	/**
	 * Lower 64 bits of the 80-bit random part.
	 */
	private long randomLow;

	MessageIds(Clock clock) {
		this(clock, new SecureRandom());
	}

	MessageIds(Clock clock, Random random) {
		this.clock = clock;
		this.random = random;
	}

	/**
	 * Returns a new id, greater than the ones this instance returned before.
	 * @return the id
	 */
	synchronized String next() {
		long millis = this.clock.millis();
		if (millis > this.lastMillis) {
			this.lastMillis = millis;
			this.randomHigh = this.random.nextInt(1 << 16);
			this.randomLow = this.random.nextLong();
		}
		else {
			// Same millisecond, or the clock went back: count up from the last id.
			this.randomLow++;
			if (this.randomLow == 0) {
				this.randomHigh = (this.randomHigh + 1) & 0xFFFF;
				if (this.randomHigh == 0) {
					this.lastMillis++;
				}
			}
		}
		return encode(this.lastMillis, this.randomHigh, this.randomLow);
	}

	static String encode(long millis, long randomHigh, long randomLow) {
		char[] chars = new char[26];
		long time = millis;
		for (int i = 9; i >= 0; i--) {
			chars[i] = ALPHABET[(int) (time & 31)];
			time >>>= 5;
		}
		long high = randomHigh;
		long low = randomLow;
		for (int i = 25; i >= 10; i--) {
			chars[i] = ALPHABET[(int) (low & 31)];
			low = (low >>> 5) | ((high & 31) << 59);
			high >>>= 5;
		}
		return new String(chars);
	}

}
