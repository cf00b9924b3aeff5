package dev.grpcplatform.chat.broker;

import java.util.List;
import java.util.Optional;

import dev.grpcplatform.proto.chat.v1.ChatMessage;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.Member;

/**
 * Carries the events of chat rooms to every instance that has members in them, keeps each room's
 * recent messages, and keeps track of who is in a room.
 *
 * <p>An instance subscribes one listener per room while it has members there, posts each message
 * and publishes each membership change once, and fans the events it receives out to its own
 * members. Messages are numbered per room ({@code ChatMessage.sequence}) as they enter the room's
 * bounded history, and reach every listener in that order. Live delivery is at most once: a
 * listener that may have missed events (the instance was cut off from the broker) is told with
 * {@link Listener#onInterrupted()}, and its members recover what they missed from the history.
 * Methods may throw {@link BrokerUnavailableException} when the broker cannot be reached.
 */
public interface ChatBroker {

	/**
	 * Publishes an event to every listener of the room, on any instance, without keeping it in
	 * the room's history (membership changes).
	 * @param roomId the room
	 * @param event the event
	 */
	void publish(String roomId, ChatResponse event);

	/**
	 * Numbers a message with the room's next sequence, appends it to the room's history (dropping
	 * the oldest beyond the history size) and publishes it to every listener of the room, on any
	 * instance, in the order of the sequence.
	 * @param roomId the room
	 * @param message the message, without sequence
	 */
	void post(String roomId, ChatMessage message);

	/**
	 * Reads from the room's history what a member missed after the last message it saw.
	 * @param roomId the room
	 * @param afterMessageId id of the last message the member saw
	 * @param afterSequence its sequence, or 0 when the member did not give it
	 * @return the messages after it and the number the history no longer holds, or empty when the
	 * history does not hold that message and cannot tell how many were missed
	 */
	Optional<Replay> replay(String roomId, String afterMessageId, long afterSequence);

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

		/**
		 * Learns that events of the room may have been lost on their way to this listener (the
		 * connection to the broker broke). Called on the broker's threads; must not block.
		 */
		default void onInterrupted() {
		}

	}

}
