package dev.grpcplatform.chat.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.grpcplatform.proto.chat.v1.ChatMessage;
import dev.grpcplatform.proto.chat.v1.ChatRequest;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.JoinRoom;
import dev.grpcplatform.proto.chat.v1.Joined;
import io.grpc.Channel;
import io.grpc.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A chat member as a careful client writes one: it remembers the last message it saw and joins
 * again with {@code resume_after_message_id} and {@code resume_after_sequence} after its stream
 * ended, and it sends each of its messages until it sees it in the room: after a join it waits
 * for the replay announced by {@code Joined.replayed_count}, then sends, in order, its messages
 * that the replay did not hold, and the new ones. It records every message and Gap it receives,
 * so that a test can count duplicates and losses.
 */
public final class ResumingMember implements AutoCloseable {

	private final String roomId;

	private final long userId;

	private final String name;

	private ChatClient client;

	private String lastMessageId = "";

	private long lastSequence;

	private long replayPending;

	private final List<ChatMessage> received = new ArrayList<>();

	private final List<Long> gaps = new ArrayList<>();

	private final List<Joined> joins = new ArrayList<>();

	/**
	 * Own messages not seen in the room yet, by client message id.
	 */
	private final Map<String, String> unconfirmed = new LinkedHashMap<>();

	private final List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();

	public ResumingMember(String roomId, long userId, String name) {
		this.roomId = roomId;
		this.userId = userId;
		this.name = name;
	}

	/**
	 * Joins (resuming after the last message seen, if any) and waits for the Joined.
	 * @param channel channel to an instance
	 * @return {@code null} when joined, else the status the join failed with
	 */
	public Status tryJoin(Channel channel) {
		closeStream();
		this.client = ChatClient.open(channel);
		this.client.request(ChatRequest.newBuilder()
			.setJoin(JoinRoom.newBuilder()
				.setRoomId(this.roomId)
				.setUserId(this.userId)
				.setResumeAfterMessageId(this.lastMessageId)
				.setResumeAfterSequence(this.lastSequence))
			.build());
		ChatResponse first;
		try {
			first = this.client.next();
		}
		catch (AssertionError ex) {
			return this.client.awaitStatus();
		}
		if (!first.hasJoined()) {
			throw new AssertionError(this.name + ": first response is not a Joined: " + first);
		}
		this.joins.add(first.getJoined());
		this.replayPending = first.getJoined().getReplayedCount();
		if (this.replayPending == 0) {
			sendUnconfirmed();
		}
		return null;
	}

	/**
	 * Joins, trying again every 200 ms while the join fails with UNAVAILABLE.
	 * @param channel channel to an instance
	 * @param timeout how long to try
	 * @return the number of joins that failed with UNAVAILABLE first
	 */
	public int joinRetrying(Channel channel, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		int failures = 0;
		while (true) {
			Status status = tryJoin(channel);
			if (status == null) {
				return failures;
			}
			if (status.getCode() != Status.Code.UNAVAILABLE || System.nanoTime() > deadline) {
				throw new AssertionError(this.name + ": join failed with " + status);
			}
			failures++;
			sleep(200);
		}
	}

	/**
	 * Sends a message now if joined and the replay is in, else once it is, and again after each
	 * join until it is seen in the room.
	 * @param clientMessageId the client message id, unique per member
	 * @param text the text
	 */
	public void send(String clientMessageId, String text) {
		this.sent.add(clientMessageId);
		this.unconfirmed.put(clientMessageId, text);
		if (this.client != null && !this.client.isClosed() && this.replayPending == 0) {
			this.client.send(text, clientMessageId);
		}
	}

	private void sendUnconfirmed() {
		this.unconfirmed.forEach((id, text) -> this.client.send(text, id));
	}

	/**
	 * Handles what arrived so far, without waiting.
	 * @return whether the stream is still open
	 */
	public boolean poll() {
		if (this.client == null) {
			return false;
		}
		boolean open = !this.client.isClosed();
		this.client.drainReceived().forEach(this::handle);
		return open;
	}

	private void handle(ChatResponse response) {
		if (response.hasGap()) {
			this.gaps.add(response.getGap().getDroppedCount());
		}
		if (!response.hasMessage()) {
			return;
		}
		ChatMessage message = response.getMessage();
		this.received.add(message);
		this.lastMessageId = message.getMessageId();
		this.lastSequence = message.getSequence();
		if (message.getSender().getUserId() == this.userId) {
			this.unconfirmed.remove(message.getClientMessageId());
		}
		if (this.replayPending > 0 && --this.replayPending == 0) {
			sendUnconfirmed();
		}
	}

	/**
	 * Handles what arrives until a condition holds or the stream ends.
	 * @param condition the condition
	 * @param timeout how long to wait at most
	 * @return whether the condition holds
	 */
	public boolean awaitUntil(BooleanSupplier condition, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (!poll() || System.nanoTime() > deadline) {
				poll();
				return condition.getAsBoolean();
			}
			sleep(5);
		}
		return true;
	}

	/**
	 * Stays in the room until a condition holds: handles what arrives, and joins again (resuming)
	 * whenever the stream ended, on the instance the supplier names then.
	 * @param channel channel to the instance to join
	 * @param condition the condition
	 * @param timeout how long to try
	 */
	public void follow(Supplier<Channel> channel, BooleanSupplier condition, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			Duration left = Duration.ofNanos(deadline - System.nanoTime());
			if (left.isNegative()) {
				throw new AssertionError(this.name + ": condition not met within " + timeout + "; received "
						+ this.received.size() + " messages, " + this.unconfirmed.size() + " own unconfirmed, duplicates "
						+ describeDuplicates());
			}
			if (!isConnected()) {
				joinRetrying(channel.get(), left);
			}
			awaitUntil(condition, left);
		}
	}

	/**
	 * Sends messages at a steady pace, joining again (resuming) whenever the stream ended, then
	 * stays until it saw each of them in the room.
	 * @param channel channel to the instance to join
	 * @param prefix prefix of the client message ids and texts
	 * @param count how many messages
	 * @param pause time between two messages
	 */
	public void sendSteadily(Supplier<Channel> channel, String prefix, int count, Duration pause) {
		for (int i = 0; i < count; i++) {
			if (!poll()) {
				joinRetrying(channel.get(), Duration.ofSeconds(60));
			}
			send(prefix + "-" + i, prefix + " " + i);
			sleep(pause.toMillis());
		}
		follow(channel, () -> this.unconfirmed.isEmpty(), Duration.ofSeconds(60));
	}

	/**
	 * Waits for the end of the stream, handling what arrives before it.
	 * @return its status
	 */
	public Status awaitEnd() {
		Status status = this.client.awaitStatus();
		poll();
		return status;
	}

	public boolean isConnected() {
		return this.client != null && !this.client.isClosed();
	}

	/**
	 * Ends the stream as a lost connection does (cancel), keeping what was received.
	 */
	public void disconnect() {
		closeStream();
	}

	private void closeStream() {
		if (this.client != null) {
			poll();
			this.client.close();
			this.client = null;
		}
	}

	public List<ChatMessage> received() {
		return this.received;
	}

	/**
	 * Returns the client message ids of the messages received, each once.
	 * @return the ids
	 */
	public Set<String> receivedClientMessageIds() {
		Set<String> ids = new HashSet<>();
		this.received.forEach((message) -> ids.add(message.getClientMessageId()));
		return ids;
	}

	/**
	 * Returns the number of messages received more than once: the same message id, or the same
	 * sender and client message id (a message posted twice).
	 * @return duplicates
	 */
	public long duplicates() {
		long byId = this.received.size() - this.received.stream().map(ChatMessage::getMessageId).distinct().count();
		long byClientId = this.received.size() - this.received.stream()
			.map((message) -> message.getSender().getUserId() + "/" + message.getClientMessageId())
			.distinct()
			.count();
		return Math.max(byId, byClientId);
	}

	/**
	 * Describes the messages received more than once, for a failure message.
	 * @return sender/client id and sequences of each
	 */
	public String describeDuplicates() {
		Map<String, List<Long>> sequences = new LinkedHashMap<>();
		this.received.forEach((message) -> sequences
			.computeIfAbsent(message.getSender().getUserId() + "/" + message.getClientMessageId(), (key) -> new ArrayList<>())
			.add(message.getSequence()));
		sequences.values().removeIf((each) -> each.size() < 2);
		return sequences.toString();
	}

	/**
	 * Returns how many of the given client message ids were not received.
	 * @param expected the ids of the messages sent
	 * @return losses
	 */
	public long lossesOf(Set<String> expected) {
		Set<String> got = receivedClientMessageIds();
		return expected.stream().filter((id) -> !got.contains(id)).count();
	}

	public List<Long> gaps() {
		return this.gaps;
	}

	public List<Joined> joins() {
		return this.joins;
	}

	public int unconfirmedCount() {
		return this.unconfirmed.size();
	}

	/**
	 * Returns the client message ids of the messages this member sent.
	 * @return the ids, in the order sent
	 */
	public List<String> sent() {
		return this.sent;
	}

	public String name() {
		return this.name;
	}

	/**
	 * Prints what each member received of the messages sent (count, duplicates, losses) and
	 * asserts that each received every one of them exactly once, in the room's order.
	 * @param scenario what happened, for the printed line
	 * @param startNanos {@code System.nanoTime()} at the scenario's start
	 * @param sent client message ids of the messages sent
	 * @param members the members
	 */
	public static void assertEachReceivedEveryMessageOnce(String scenario, long startNanos, Collection<String> sent,
			ResumingMember... members) {
		Set<String> expected = new HashSet<>(sent);
		StringBuilder line = new StringBuilder(scenario).append(": sent ").append(expected.size());
		for (ResumingMember member : members) {
			line.append("; ")
				.append(member.name)
				.append(" received ")
				.append(member.received.size())
				.append(" (duplicates ")
				.append(member.duplicates())
				.append(", losses ")
				.append(member.lossesOf(expected))
				.append(", joins ")
				.append(member.joins.size())
				.append(')');
		}
		line.append("; ").append(Duration.ofNanos(System.nanoTime() - startNanos).toMillis()).append(" ms");
		System.out.println(line);
		for (ResumingMember member : members) {
			assertThat(member.duplicates()).as(member.name + " duplicates: " + member.describeDuplicates()).isZero();
			assertThat(member.lossesOf(expected)).as(member.name + " losses").isZero();
			assertThat(member.gaps).as(member.name + " gaps").isEmpty();
			assertThat(member.received).extracting(ChatMessage::getSequence)
				.as(member.name + " receives in the room's order")
				.isSorted()
				.doesNotHaveDuplicates();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		closeStream();
	}

}
