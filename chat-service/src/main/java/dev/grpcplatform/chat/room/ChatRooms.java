package dev.grpcplatform.chat.room;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.google.protobuf.Timestamp;
import dev.grpcplatform.chat.broker.ChatBroker;
import dev.grpcplatform.chat.broker.Replay;
import dev.grpcplatform.proto.chat.v1.ChatMessage;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.Gap;
import dev.grpcplatform.proto.chat.v1.JoinRoom;
import dev.grpcplatform.proto.chat.v1.Joined;
import dev.grpcplatform.proto.chat.v1.Member;
import dev.grpcplatform.proto.chat.v1.MemberJoined;
import dev.grpcplatform.proto.chat.v1.MemberLeft;
import dev.grpcplatform.proto.chat.v1.SendMessage;
import dev.grpcplatform.starter.errors.GrpcError;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The rooms that have members on this instance: joins and leaves, and the fan-out of the events
 * the broker delivers to the members' outboxes.
 *
 * <p>A room subscribes to the broker when its first member on this instance joins and
 * unsubscribes when its last one leaves. Every message goes through the broker, also with
 * members on one instance only, so that the path is the same with one instance or many.
 */
@Component
public class ChatRooms implements DisposableBean {

	private static final Log logger = LogFactory.getLog(ChatRooms.class);

	private final ChatBroker broker;

	private final RoomProperties properties;

	private final Clock clock;

	private final MessageIds messageIds;

	private final Map<String, LocalRoom> rooms = new ConcurrentHashMap<>();

	/**
	 * Prefix of this instance's presence ids.
	 */
	private final String instanceId = UUID.randomUUID().toString().substring(0, 8);

	private final AtomicLong presences = new AtomicLong();

	/**
	 * Runs leaves that must not run on the thread that asks for them (a fan-out in progress).
	 */
	private final ExecutorService deferred = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "chat-rooms");
		thread.setDaemon(true);
		return thread;
	});

	ChatRooms(ChatBroker broker, RoomProperties properties) {
		this.broker = broker;
		this.properties = properties;
		this.clock = Clock.systemUTC();
		this.messageIds = new MessageIds(this.clock);
	}

	/**
	 * Creates the outbox of a new stream, with the configured capacity and overflow policy.
	 * @param responses the stream
	 * @param sink writes one event to the stream, in its response type
	 * @return the outbox
	 */
	MemberOutbox newOutbox(ServerCallStreamObserver<?> responses, Consumer<ChatResponse> sink) {
		return new MemberOutbox(responses, sink, this.properties.getQueueCapacity(), this.properties.getOverflow());
	}

	/**
	 * Enters a member into a room: fans the room's events out to the (held) outbox, reads what the
	 * member missed when it resumes, opens the outbox with the Joined event (the members present)
	 * and the replay, and announces the member to the others.
	 * <p>Subscribed before the history is read, the member misses no message posted meanwhile:
	 * each is in the history read, or arrives live after it, or both (the outbox drops the copy).
	 * @param join the join request
	 * @param member the member
	 * @param outbox the member's outbox, held
	 * @return the membership
	 * @throws dev.grpcplatform.chat.broker.BrokerUnavailableException if the broker cannot be reached
	 * @throws dev.grpcplatform.starter.errors.GrpcErrorException with NOT_FOUND when the resume
	 * point is not in the room's history
	 */
	Membership join(JoinRoom join, Member member, MemberOutbox outbox) {
		String roomId = join.getRoomId();
		String presenceId = this.instanceId + "-" + this.presences.incrementAndGet();
		List<Member> present = this.broker.enter(roomId, presenceId, member);
		Membership membership = new Membership(roomId, member, presenceId, outbox);
		try {
			this.rooms.compute(roomId, (id, room) -> {
				LocalRoom joined = room;
				if (joined == null) {
					joined = new LocalRoom();
					this.broker.subscribe(id, joined);
				}
				joined.members.add(membership);
				return joined;
			});
			Replay replay = join.getResumeAfterMessageId().isEmpty() ? null : this.broker
				.replay(roomId, join.getResumeAfterMessageId(), join.getResumeAfterSequence())
				.orElseThrow(() -> notInHistory(join));
			List<ChatResponse> first = new ArrayList<>();
			first.add(ChatResponse.newBuilder()
				.setJoined(Joined.newBuilder()
					.setRoomId(roomId)
					.addAllMembers(present)
					.setReplayedCount((replay != null) ? replay.messages().size() : 0))
				.build());
			long replayedThrough = 0;
			if (replay != null) {
				if (replay.missed() > 0) {
					first.add(ChatResponse.newBuilder().setGap(Gap.newBuilder().setDroppedCount(replay.missed())).build());
				}
				for (ChatMessage message : replay.messages()) {
					first.add(ChatResponse.newBuilder().setMessage(message).build());
					replayedThrough = message.getSequence();
				}
			}
			outbox.open(first, replayedThrough);
			this.broker.publish(roomId, ChatResponse.newBuilder()
				.setMemberJoined(MemberJoined.newBuilder().setMember(member).setJoinedAt(now()))
				.build());
		}
		catch (RuntimeException ex) {
			leave(membership, false);
			throw ex;
		}
		return membership;
	}

	/**
	 * Posts a message to the member's room.
	 * @param membership the sender's membership
	 * @param send the message
	 * @throws dev.grpcplatform.chat.broker.BrokerUnavailableException if the broker cannot be reached
	 */
	void send(Membership membership, SendMessage send) {
		send(membership.roomId(), membership.member(), send);
	}

	/**
	 * Posts a message to a room as a member, present in it or not (SendRoomMessage).
	 * @param roomId the room
	 * @param sender who sends it
	 * @param send the message
	 * @return the message as posted, without its sequence (the broker numbers it)
	 * @throws dev.grpcplatform.chat.broker.BrokerUnavailableException if the broker cannot be reached
	 */
	ChatMessage send(String roomId, Member sender, SendMessage send) {
		ChatMessage message = ChatMessage.newBuilder()
			.setMessageId(this.messageIds.next())
			.setRoomId(roomId)
			.setSender(sender)
			.setText(send.getText())
			.setSentAt(now())
			.setClientMessageId(send.getClientMessageId())
			.build();
		this.broker.post(roomId, message);
		return message;
	}

	private static RuntimeException notInHistory(JoinRoom join) {
		return GrpcError
			.builder(Status.Code.NOT_FOUND,
					"message " + join.getResumeAfterMessageId() + " is not in the history of room " + join.getRoomId()
							+ ", which cannot tell what was missed; join without resume_after_message_id")
			.reason("MESSAGE_NOT_IN_HISTORY")
			.metadata("roomId", join.getRoomId())
			.metadata("messageId", join.getResumeAfterMessageId())
			.build()
			.asException();
	}

	/**
	 * Takes a member out of its room and announces it; does nothing if it left already.
	 * @param membership the membership
	 */
	void leave(Membership membership) {
		leave(membership, true);
	}

	/**
	 * Like {@link #leave(Membership)}, on another thread.
	 * @param membership the membership
	 */
	void leaveLater(Membership membership) {
		try {
			this.deferred.execute(() -> leave(membership));
		}
		catch (RejectedExecutionException ex) {
			// Shutting down: the broker forgets the presence after its TTL.
		}
	}

	private void leave(Membership membership, boolean announce) {
		if (!membership.markLeft()) {
			return;
		}
		String roomId = membership.roomId();
		try {
			this.rooms.computeIfPresent(roomId, (id, room) -> {
				room.members.remove(membership);
				if (room.members.isEmpty()) {
					this.broker.unsubscribe(id, room);
					return null;
				}
				return room;
			});
			this.broker.leave(roomId, membership.presenceId());
			if (announce) {
				this.broker.publish(roomId, ChatResponse.newBuilder()
					.setMemberLeft(MemberLeft.newBuilder().setMember(membership.member()).setLeftAt(now()))
					.build());
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not announce that user " + membership.member().getUserId() + " left room " + roomId
					+ ": " + ex.getMessage());
		}
	}

	private Timestamp now() {
		Instant now = this.clock.instant();
		return Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
	}

	/**
	 * Returns the outboxes of the members of a room on this instance, for tests.
	 * @param roomId the room
	 * @return the outboxes, by user id
	 */
	Map<Long, MemberOutbox> outboxes(String roomId) {
		LocalRoom room = this.rooms.get(roomId);
		Map<Long, MemberOutbox> outboxes = new HashMap<>();
		if (room != null) {
			room.members.forEach((membership) -> outboxes.put(membership.member().getUserId(), membership.outbox()));
		}
		return outboxes;
	}

	@Override
	public void destroy() {
		this.deferred.shutdown();
	}

	/**
	 * A room's members on this instance, subscribed to the room's events.
	 */
	private static final class LocalRoom implements ChatBroker.Listener {

		private final Set<Membership> members = new CopyOnWriteArraySet<>();

		/**
		 * Sequence of the last message received; the broker calls one room's listener from one
		 * thread at a time.
		 */
		private long lastSequence;

		@Override
		public void onEvent(ChatResponse event) {
			if (event.hasMessage()) {
				long sequence = event.getMessage().getSequence();
				boolean skipped = this.lastSequence > 0 && sequence > this.lastSequence + 1;
				this.lastSequence = sequence;
				if (skipped) {
					// Messages were lost on the way to this instance: the history has them.
					onInterrupted();
					return;
				}
			}
			// A member's own join and leave are not news to it.
			long subject = switch (event.getEventCase()) {
				case MEMBER_JOINED -> event.getMemberJoined().getMember().getUserId();
				case MEMBER_LEFT -> event.getMemberLeft().getMember().getUserId();
				default -> 0;
			};
			for (Membership membership : this.members) {
				if (membership.member().getUserId() != subject) {
					membership.outbox().offer(event);
				}
			}
		}

		@Override
		public void onInterrupted() {
			Throwable lost = GrpcError
				.builder(Status.Code.UNAVAILABLE,
						"chat broker connection lost; join again with resume_after_message_id to receive what was missed")
				.reason("BROKER_CONNECTION_LOST")
				.build()
				.asException();
			this.members.forEach((membership) -> membership.outbox().abort(lost));
		}

	}

}
