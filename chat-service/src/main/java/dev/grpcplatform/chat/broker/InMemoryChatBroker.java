package dev.grpcplatform.chat.broker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.Member;

/**
 * {@link ChatBroker} within one instance: events are handed to the listeners on the publishing
 * thread.
 */
public class InMemoryChatBroker implements ChatBroker {

	private final Map<String, Set<Listener>> listeners = new ConcurrentHashMap<>();

	/**
	 * Members by presence id, by room; guarded by itself (joins and leaves are rare next to messages).
	 */
	private final Map<String, Map<String, Member>> presences = new HashMap<>();

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

}
