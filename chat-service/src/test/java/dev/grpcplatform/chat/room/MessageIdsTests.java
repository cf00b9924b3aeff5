package dev.grpcplatform.chat.room;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Message ids as clients see them: opaque ULIDs, unique, and sorted in the order they were made.
 */
class MessageIdsTests {

	@Test
	void idsMadeInOneMillisecondAreUniqueAndAscending() {
		MessageIds ids = new MessageIds(Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC));
		List<String> made = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			made.add(ids.next());
		}
		assertThat(made).doesNotHaveDuplicates().isSorted();
		assertThat(made).allSatisfy((id) -> assertThat(id).matches("[0-9A-HJKMNP-TV-Z]{26}"));
	}

	@Test
	void idsStartWithTheTimeSoThatLaterIdsSortAfterEarlierOnes() {
		MutableClock clock = new MutableClock(1_700_000_000_000L);
		MessageIds ids = new MessageIds(clock, new Random(42));
		String earlier = ids.next();
		clock.millis = 1_700_000_000_001L;
		String later = ids.next();
		assertThat(later).isGreaterThan(earlier);
		assertThat(later.substring(0, 10)).isNotEqualTo(earlier.substring(0, 10));
	}

	@Test
	void aClockThatGoesBackDoesNotMakeIdsGoBack() {
		MutableClock clock = new MutableClock(1_700_000_000_000L);
		MessageIds ids = new MessageIds(clock, new Random(42));
		String before = ids.next();
		clock.millis = 1_600_000_000_000L;
		assertThat(ids.next()).isGreaterThan(before);
	}

	@Test
	void encodingFollowsTheUlidSpecification() {
		// The maximum ULID: 48 bits of time and 80 bits of randomness, all ones.
		assertThat(MessageIds.encode(0xFFFFFFFFFFFFL, 0xFFFF, -1L)).isEqualTo("7ZZZZZZZZZZZZZZZZZZZZZZZZZ");
		assertThat(MessageIds.encode(0, 0, 1)).isEqualTo("00000000000000000000000001");
		assertThat(MessageIds.encode(1, 0, 0)).isEqualTo("00000000010000000000000000");
	}

	private static final class MutableClock extends Clock {

		private long millis;

		MutableClock(long millis) {
			this.millis = millis;
		}

		@Override
		public long millis() {
			return this.millis;
		}

		@Override
		public Instant instant() {
			return Instant.ofEpochMilli(this.millis);
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
