package dev.grpcplatform.chat.room;

import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

import dev.grpcplatform.chat.broker.BrokerUnavailableException;
import dev.grpcplatform.chat.users.UserDirectory;
import dev.grpcplatform.proto.chat.v1.ChatRequest;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.JoinRoom;
import dev.grpcplatform.proto.chat.v1.Member;
import dev.grpcplatform.proto.chat.v1.SubscribeRoomRequest;
import dev.grpcplatform.proto.chat.v1.SubscribeRoomResponse;
import dev.grpcplatform.starter.errors.GrpcError;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * One Chat stream, or one SubscribeRoom call: the join, the messages of the member, and its leave.
 *
 * <p>On a Chat stream, requests are asked from the client one at a time, the next one only when
 * the previous one is handled: the join's user lookup runs without holding a thread, and messages
 * sent right after the join wait in the transport until the member is in the room. A SubscribeRoom
 * call is a session whose only request is its join and that ends only when the client cancels.
 */
final class ChatSession implements StreamObserver<ChatRequest> {

	private enum State {

		AWAITING_JOIN, JOINING, JOINED, ENDED

	}

	private final ServerCallStreamObserver<?> responses;

	/**
	 * Whether the client streams requests (Chat), asked for one at a time.
	 */
	private final boolean clientStreams;

	private final ChatRooms rooms;

	private final UserDirectory users;

	private final MemberOutbox outbox;

	// Guarded by this.
	private State state = State.AWAITING_JOIN;

	// Guarded by this.
	private boolean halfClosedWhileJoining;

	// Guarded by this.
	private Membership membership;

	private ChatSession(ServerCallStreamObserver<?> responses, Consumer<ChatResponse> sink, boolean clientStreams,
			ChatRooms rooms, UserDirectory users) {
		this.responses = responses;
		this.clientStreams = clientStreams;
		this.rooms = rooms;
		this.users = users;
		this.outbox = rooms.newOutbox(responses, sink);
		this.outbox.onEnded(this::endedByOutbox);
		responses.setOnCancelHandler(this::cancelled);
	}

	/**
	 * Starts the session of a Chat stream: asks the client for its first request, the join.
	 * @param responses the stream
	 * @param rooms the rooms
	 * @param users the user lookups
	 * @return the session, the stream's request observer
	 */
	static ChatSession chat(ServerCallStreamObserver<ChatResponse> responses, ChatRooms rooms, UserDirectory users) {
		responses.disableAutoRequest();
		ChatSession session = new ChatSession(responses, responses::onNext, true, rooms, users);
		responses.request(1);
		return session;
	}

	/**
	 * Starts the session of a SubscribeRoom call: joins as the request says; the events go out
	 * wrapped in SubscribeRoomResponse until the client cancels.
	 * @param request the call's request
	 * @param responses the call
	 * @param rooms the rooms
	 * @param users the user lookups
	 */
	static void subscribe(SubscribeRoomRequest request, ServerCallStreamObserver<SubscribeRoomResponse> responses,
			ChatRooms rooms, UserDirectory users) {
		ChatSession session = new ChatSession(responses,
				(event) -> responses.onNext(SubscribeRoomResponse.newBuilder().setEvent(event).build()), false, rooms,
				users);
		session.onNext(ChatRequest.newBuilder().setJoin(request.getJoin()).build());
	}

	@Override
	public void onNext(ChatRequest request) {
		State current;
		synchronized (this) {
			current = this.state;
			if (current == State.AWAITING_JOIN && request.hasJoin()) {
				this.state = State.JOINING;
			}
		}
		switch (current) {
			case AWAITING_JOIN -> {
				if (request.hasJoin()) {
					join(request.getJoin());
				}
				else {
					fail(GrpcError
						.builder(Status.Code.FAILED_PRECONDITION, "the first request of a chat stream must be a join")
						.reason("NOT_JOINED")
						.build()
						.asException());
				}
			}
			case JOINED -> {
				if (request.hasSend()) {
					send(request);
				}
				else {
					fail(GrpcError
						.builder(Status.Code.FAILED_PRECONDITION,
								"already joined room " + joinedRoom() + "; open another stream to join another room")
						.reason("ALREADY_JOINED")
						.build()
						.asException());
				}
			}
			default -> {
				// Ended: nothing more to do. Joining: not asked for.
			}
		}
	}

	private void join(JoinRoom join) {
		this.users.member(join.getUserId()).whenComplete((member, failure) -> {
			try {
				if (failure != null) {
					fail((failure instanceof CompletionException) ? failure.getCause() : failure);
				}
				else {
					enter(join, member);
				}
			}
			catch (RuntimeException ex) {
				// Nobody would see it on this thread: the platform maps it (INTERNAL with an error id).
				fail(ex);
			}
		});
	}

	private void enter(JoinRoom join, Member member) {
		synchronized (this) {
			if (this.state != State.JOINING) {
				return;
			}
		}
		Membership joined;
		try {
			joined = this.rooms.join(join, member, this.outbox);
		}
		catch (RuntimeException ex) {
			fail((ex instanceof BrokerUnavailableException) ? brokerUnavailable() : ex);
			return;
		}
		boolean stay;
		boolean complete = false;
		synchronized (this) {
			stay = this.state == State.JOINING && !this.halfClosedWhileJoining;
			if (stay) {
				this.state = State.JOINED;
				this.membership = joined;
			}
			else if (this.state == State.JOINING) {
				this.state = State.ENDED;
				complete = true;
			}
		}
		if (stay) {
			requestNext();
			return;
		}
		this.rooms.leave(joined);
		if (complete) {
			this.outbox.complete();
		}
	}

	private void send(ChatRequest request) {
		Membership current;
		synchronized (this) {
			current = this.membership;
		}
		try {
			this.rooms.send(current, request.getSend());
		}
		catch (RuntimeException ex) {
			fail((ex instanceof BrokerUnavailableException) ? brokerUnavailable() : ex);
			return;
		}
		requestNext();
	}

	private void requestNext() {
		if (this.clientStreams) {
			this.responses.request(1);
		}
	}

	@Override
	public void onCompleted() {
		Membership current;
		synchronized (this) {
			if (this.state == State.JOINING) {
				this.halfClosedWhileJoining = true;
				return;
			}
			this.state = State.ENDED;
			current = this.membership;
		}
		if (current != null) {
			this.rooms.leave(current);
		}
		this.outbox.complete();
	}

	@Override
	public void onError(Throwable error) {
		// The client cancelled (or the platform closed the call); the cancel handler ran already.
		cancelled();
	}

	private void cancelled() {
		Membership current = end();
		this.outbox.cancel();
		if (current != null) {
			this.rooms.leave(current);
		}
	}

	private void fail(Throwable error) {
		Membership current = end();
		if (current != null) {
			this.rooms.leave(current);
		}
		this.outbox.fail(error);
	}

	/**
	 * The outbox ended the stream because the member fell too far behind or the room's events
	 * were interrupted; called in the middle of a fan-out or on the broker's threads, so the leave
	 * (which publishes) runs on another thread.
	 */
	private void endedByOutbox() {
		Membership current = end();
		if (current != null) {
			this.rooms.leaveLater(current);
		}
	}

	private synchronized Membership end() {
		this.state = State.ENDED;
		return this.membership;
	}

	private synchronized String joinedRoom() {
		return (this.membership != null) ? this.membership.roomId() : "";
	}

	static Throwable brokerUnavailable() {
		return GrpcError.builder(Status.Code.UNAVAILABLE, "chat broker unavailable; retry later")
			.reason("BROKER_UNAVAILABLE")
			.build()
			.asException();
	}

}
