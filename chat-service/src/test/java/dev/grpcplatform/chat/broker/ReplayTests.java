package dev.grpcplatform.chat.broker;

import java.util.List;

import dev.grpcplatform.proto.chat.v1.ChatMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a resume starts in a room's history, and how many messages it says were lost, on a ring
 * of 5 messages that has seen 12 (it holds sequences 8 to 12).
 */
class ReplayTests {

	private final InMemoryChatBroker.RingHistory history = new InMemoryChatBroker.RingHistory(5);

	ReplayTests() {
		for (int i = 1; i <= 12; i++) {
			this.history.append(ChatMessage.newBuilder().setMessageId(id(i)).build());
		}
	}

	@Test
	void resumeFromAHeldMessageReplaysWhatFollowsWithoutGap() {
		Replay replay = Replay.read(this.history, id(9), 9).orElseThrow();
		assertThat(replay.missed()).isZero();
		assertThat(replay.messages()).extracting(ChatMessage::getSequence).containsExactly(10L, 11L, 12L);
	}

	@Test
	void resumeFromTheLastMessageReplaysNothing() {
		Replay replay = Replay.read(this.history, id(12), 12).orElseThrow();
		assertThat(replay.missed()).isZero();
		assertThat(replay.messages()).isEmpty();
	}

	@Test
	void resumeByIdAloneFindsAHeldMessage() {
		assertThat(Replay.read(this.history, id(10), 0).orElseThrow().messages()).extracting(ChatMessage::getSequence)
			.containsExactly(11L, 12L);
	}

	@Test
	void resumeFromATrimmedMessageCountsWhatWasLost() {
		// 4 to 7 were trimmed; 8 to 12 are replayed.
		Replay replay = Replay.read(this.history, id(3), 3).orElseThrow();
		assertThat(replay.missed()).isEqualTo(4);
		assertThat(replay.messages()).extracting(ChatMessage::getSequence).containsExactly(8L, 9L, 10L, 11L, 12L);
	}

	@Test
	void resumeThatCannotBeCountedFindsNothing() {
		// A trimmed message without its sequence, another message at that sequence, beyond the end.
		assertThat(Replay.read(this.history, id(3), 0)).isEmpty();
		assertThat(Replay.read(this.history, id(3), 9)).isEmpty();
		assertThat(Replay.read(this.history, id(20), 20)).isEmpty();
		assertThat(Replay.read(new InMemoryChatBroker.RingHistory(5), id(1), 1)).isEmpty();
	}

	@Test
	void messagesCarryTheirSequenceAndTheRingKeepsTheLastOnes() {
		assertThat(this.history.messagesAfter(0)).extracting(ChatMessage::getMessageId)
			.containsExactly(id(8), id(9), id(10), id(11), id(12));
		assertThat(this.history.messageIdAt(7)).isNull();
		assertThat(this.history.sequenceOf(id(12))).isEqualTo(12);
		assertThat(List.of(this.history.messageIdAt(8), this.history.messageIdAt(12))).containsExactly(id(8), id(12));
	}

	private static String id(int sequence) {
		return String.format("01HZY3V3Q8N6K6A1B2C3D4E%03d", sequence);
	}

}
