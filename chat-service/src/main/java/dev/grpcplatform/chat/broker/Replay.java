package dev.grpcplatform.chat.broker;

import java.util.List;
import java.util.Optional;

import dev.grpcplatform.proto.chat.v1.ChatMessage;

/**
 * What a member that resumes receives from its room's history: the messages posted after the
 * last one it saw, oldest first, and how many messages posted after it the history no longer
 * holds.
 */
public final class Replay {

	private final long missed;

	private final List<ChatMessage> messages;

	Replay(long missed, List<ChatMessage> messages) {
		this.missed = missed;
		this.messages = List.copyOf(messages);
	}

	/**
	 * Returns the number of messages posted after the resume point that the history no longer
	 * holds: the member lost them.
	 * @return messages lost, 0 when the history reaches back far enough
	 */
	public long missed() {
		return this.missed;
	}

	/**
	 * Returns the messages posted after the resume point that the history holds, oldest first,
	 * each with its sequence.
	 * @return the messages
	 */
	public List<ChatMessage> messages() {
		return this.messages;
	}

	/**
	 * Finds the resume point in a history and reads what follows it. A resume point that the
	 * history holds must carry the id the member gave; one that it no longer holds counts only
	 * when messages follow it (an older one that was trimmed), so that the number lost is exact.
	 * @param history the room's history
	 * @param afterMessageId id of the last message the member saw
	 * @param afterSequence its sequence, or 0 when the member did not give it
	 * @return what the member missed, or empty when the history cannot tell (the message is not
	 * in it and no sequence places it before the history's start)
	 */
	static Optional<Replay> read(History history, String afterMessageId, long afterSequence) {
		long after = afterSequence;
		boolean held;
		if (after > 0) {
			String idThere = history.messageIdAt(after);
			if (idThere != null && !idThere.equals(afterMessageId)) {
				// Another message has that number: the history started again since.
				return Optional.empty();
			}
			held = idThere != null;
		}
		else {
			after = history.sequenceOf(afterMessageId);
			if (after == 0) {
				return Optional.empty();
			}
			held = true;
		}
		List<ChatMessage> messages = history.messagesAfter(after);
		if (!held && messages.isEmpty()) {
			// Past the history's end: numbered by a history that was lost.
			return Optional.empty();
		}
		// Counted from what was read, so a trim between the reads keeps the count exact.
		long missed = messages.isEmpty() ? 0 : messages.get(0).getSequence() - after - 1;
		return Optional.of(new Replay(missed, messages));
	}

	/**
	 * A room's history, read by {@link #read}; consistent across the three calls or not, the
	 * numbers stay exact because each message keeps its sequence.
	 */
	interface History {

		/**
		 * Returns the id of the message with a sequence.
		 * @param sequence the sequence
		 * @return its message id, or {@code null} when the history does not hold it
		 */
		String messageIdAt(long sequence);

		/**
		 * Searches the history for a message, newest first, at most as far back as the configured
		 * history size.
		 * @param messageId the message id
		 * @return its sequence, or 0 when not found
		 */
		long sequenceOf(String messageId);

		/**
		 * Returns the messages after a sequence that the history holds, oldest first.
		 * @param sequence the sequence
		 * @return the messages, with their sequence
		 */
		List<ChatMessage> messagesAfter(long sequence);

	}

}
