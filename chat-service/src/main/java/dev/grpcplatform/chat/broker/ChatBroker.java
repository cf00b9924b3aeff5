package dev.grpcplatform.chat.broker;

import java.util.List;

import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.Member;

/**
 * Carries the events of chat rooms to every instance that has members in them, and keeps track of
 * who is in a room.
 *
 * <p>An instance subscribes one listener per room while it has members there, publishes each
 * message and membership change once, and fans the events it receives out to its own members.
 * Delivery is at most once (a message published while an instance is cut off from the broker does
 * not reach it) and in publication order per publishing thread. Methods may throw
 * {@link BrokerUnavailableException} when the broker cannot be reached.
 */
public interface ChatBroker {

	/**
	 * Publishes an event to every listener of the room, on any instance.
	 * @param roomId the room
	 * @param event the event
	 */
	void publish(String roomId, ChatResponse event);

	/**
	 * Subscribes a listener to the events of a room. Events published after this returns reach it.
	 * @param roomId the room
	 * @param listener the listener
	 */
	void subscribe(String roomId, Listener listener);

	/**
	 * Unsubscribes a listener from the events of a room.
	 * @param roomId the room
	 * @param listener the listener, as subscribed
	 */
	void unsubscribe(String roomId, Listener listener);

	/**
	 * Records that a member is present in a room and returns who is.
	 * @param roomId the room
	 * @param presenceId id of this presence (one stream), unique across instances
	 * @param member the member
	 * @return the members present, this one included, one entry per user
	 */
	List<Member> enter(String roomId, String presenceId, Member member);

	/**
	 * Records that a presence ended.
	 * @param roomId the room
	 * @param presenceId id the presence entered with
	 */
	void leave(String roomId, String presenceId);

	/**
	 * Receives the events of a room. Called on the broker's threads, and for one room never
	 * concurrently with itself on the redis broker; must not block.
	 */
	@FunctionalInterface
	interface Listener {

		/**
		 * Receives one event.
		 * @param event the event
		 */
		void onEvent(ChatResponse event);

	}

}
