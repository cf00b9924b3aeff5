package dev.grpcplatform.chat.broker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.grpcplatform.proto.chat.v1.ChatMessage;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.Member;

/**
 * {@link ChatBroker} within one instance: events are handed to the listeners on the publishing
 * thread; each room's history is a ring of the last messages, lost when the instance stops.
 */
public class InMemoryChatBroker implements ChatBroker {

	private final Map<String, Set<Listener>> listeners = new ConcurrentHashMap<>();

	private final int historySize;

	/**
	 * Histories by room, dropped after the history TTL without a message.
	 */
	private final Cache<String, RingHistory> histories;

	/**
	 * Members by presence id, by room; guarded by itself (joins and leaves are rare next to messages).
	 */
	private final Map<String, Map<String, Member>> presences = new HashMap<>();

	/**
	 * Creates a broker whose rooms keep the configured number of messages.
	 * @param history size and time to live of the rooms' histories
	 */
	public InMemoryChatBroker(HistoryProperties history) {
		this.historySize = history.getSize();
		this.histories = Caffeine.newBuilder().expireAfterWrite(history.getTtl()).build();
	}

	@Override
	public void post(String roomId, ChatMessage message) {
		RingHistory history = this.histories.get(roomId, (id) -> new RingHistory(this.historySize));
		synchronized (history) {
			// Numbered and fanned out under one lock: listeners see the order of the history.
			ChatMessage numbered = history.append(message);
			publish(roomId, ChatResponse.newBuilder().setMessage(numbered).build());
		}
		// A write for the cache: the history lives on for the TTL after its last message.
		this.histories.put(roomId, history);
	}

	@Override
	public Optional<Replay> replay(String roomId, String afterMessageId, long afterSequence) {
		RingHistory history = this.histories.getIfPresent(roomId);
		if (history == null) {
			return Optional.empty();
		}
		synchronized (history) {
			return Replay.read(history, afterMessageId, afterSequence);
		}
	}

	@Override
	public void publish(String roomId, ChatResponse event) {
		Set<Listener> subscribed = this.listeners.get(roomId);
		if (subscribed != null) {
			subscribed.forEach((listener) -> listener.onEvent(event));
		}
	}

	@Override
	public void subscribe(String roomId, Listener listener) {
		this.listeners.computeIfAbsent(roomId, (id) -> new CopyOnWriteArraySet<>()).add(listener);
	}

	@Override
	public void unsubscribe(String roomId, Listener listener) {
		this.listeners.computeIfPresent(roomId, (id, subscribed) -> {
			subscribed.remove(listener);
			return subscribed.isEmpty() ? null : subscribed;
		});
	}

	@Override
	public List<Member> enter(String roomId, String presenceId, Member member) {
		synchronized (this.presences) {
			Map<String, Member> present = this.presences.computeIfAbsent(roomId, (id) -> new LinkedHashMap<>());
			present.put(presenceId, member);
			return distinctUsers(present.values());
		}
	}

	@Override
	public void leave(String roomId, String presenceId) {
		synchronized (this.presences) {
			this.presences.computeIfPresent(roomId, (id, room) -> {
				room.remove(presenceId);
				return room.isEmpty() ? null : room;
			});
		}
	}

	static List<Member> distinctUsers(Iterable<Member> members) {
		Map<Long, Member> byUser = new LinkedHashMap<>();
		members.forEach((member) -> byUser.putIfAbsent(member.getUserId(), member));
		return new ArrayList<>(byUser.values());
	}

	/**
	 * The last messages of a room in a ring indexed by sequence; guarded by itself.
	 */
	static final class RingHistory implements Replay.History {

		private final ChatMessage[] ring;

		private long lastSequence;

		RingHistory(int size) {
			this.ring = new ChatMessage[size];
		}

		ChatMessage append(ChatMessage message) {
			ChatMessage numbered = message.toBuilder().setSequence(++this.lastSequence).build();
			this.ring[slot(this.lastSequence)] = numbered;
			return numbered;
		}

		private long firstSequence() {
			return Math.max(1, this.lastSequence - this.ring.length + 1);
		}

		private int slot(long sequence) {
			return (int) ((sequence - 1) % this.ring.length);
		}

		@Override
		public String messageIdAt(long sequence) {
			if (sequence < firstSequence() || sequence > this.lastSequence) {
				return null;
			}
			return this.ring[slot(sequence)].getMessageId();
		}

		@Override
		public long sequenceOf(String messageId) {
			for (long sequence = this.lastSequence; sequence >= firstSequence() && sequence > 0; sequence--) {
				if (this.ring[slot(sequence)].getMessageId().equals(messageId)) {
					return sequence;
				}
			}
			return 0;
		}

		@Override
		public List<ChatMessage> messagesAfter(long sequence) {
			List<ChatMessage> messages = new ArrayList<>();
			for (long next = Math.max(sequence + 1, firstSequence()); next <= this.lastSequence; next++) {
				messages.add(this.ring[slot(next)]);
			}
			return messages;
		}

	}

}
