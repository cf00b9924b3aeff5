package dev.grpcplatform.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.Timestamp;
import dev.grpcplatform.proto.chat.v1.ChatMessage;
import dev.grpcplatform.proto.chat.v1.ChatRequest;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.ChatServiceGrpc;
import dev.grpcplatform.proto.chat.v1.Gap;
import dev.grpcplatform.proto.chat.v1.Joined;
import dev.grpcplatform.proto.chat.v1.Member;
import dev.grpcplatform.proto.chat.v1.MemberJoined;
import dev.grpcplatform.proto.chat.v1.MemberLeft;
import dev.grpcplatform.proto.chat.v1.SendMessage;
import dev.grpcplatform.proto.user.v1.GetUserRequest;
import dev.grpcplatform.proto.user.v1.GetUserResponse;
import dev.grpcplatform.proto.user.v1.UserServiceGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * The baseline of the chat benchmark: {@code platform.chat.v1.ChatService} on a bare grpc-java
 * Netty server with grpc-java's defaults, rooms in memory, no Spring and no platform.
 *
 * <p>It keeps chat-service's room semantics, so that both do the same work per event: the join
 * looks the user up in the same user service (GetUser with the caller's authorization header,
 * 2 s deadline), answers Joined with the members present and announces MemberJoined to the others;
 * each send becomes a ChatMessage (server id, time, sender) handed to every member, the sender
 * included, on the sender's thread; leaves are announced. Each member has a bounded queue (256
 * events, the oldest dropped and a Gap sent, as chat-service's default) drained only while its
 * transport is ready, so a slow member holds up no one: the same flow control as chat-service's.
 * Requests are asked one at a time, so one sender's messages keep their order. It has no
 * authentication, metrics, logging or validation: that is what the platform adds.
 */
public final class BareChatServer {

	static final int QUEUE_CAPACITY = 256;

	private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
			Metadata.ASCII_STRING_MARSHALLER);

	private static final Context.Key<String> CALLER_AUTHORIZATION = Context.key("authorization");

	private final Map<String, List<Session>> rooms = new LinkedHashMap<>();

	private final UserServiceGrpc.UserServiceFutureStub users;

	private final AtomicLong messageIds = new AtomicLong();

	private BareChatServer(ManagedChannel users) {
		this.users = UserServiceGrpc.newFutureStub(users);
	}

	/**
	 * Starts the server on a free loopback port and writes {@code port=<port>} to the given file.
	 * @param args the port file, then the user service's {@code host:port}
	 * @throws IOException if the server cannot start
	 * @throws InterruptedException when interrupted while serving
	 */
	public static void main(String[] args) throws IOException, InterruptedException {
		ManagedChannel users = NettyChannelBuilder.forTarget(args[1]).usePlaintext().directExecutor().build();
		BareChatServer chat = new BareChatServer(users);
		ServerInterceptor authorization = new ServerInterceptor() {

			@Override
			public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
					ServerCallHandler<Q, R> next) {
				Context context = Context.current().withValue(CALLER_AUTHORIZATION, headers.get(AUTHORIZATION));
				return Contexts.interceptCall(context, call, headers, next);
			}

		};
		Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
			.addService(ServerInterceptors.intercept(chat.new Service(), authorization))
			.build()
			.start();
		Files.writeString(Path.of(args[0]), "port=" + server.getPort() + "\nplatform=false\n", StandardCharsets.UTF_8);
		server.awaitTermination();
	}

	private List<Session> enter(String roomId, Session session) {
		synchronized (this.rooms) {
			List<Session> room = this.rooms.computeIfAbsent(roomId, (id) -> new CopyOnWriteArrayList<>());
			room.add(session);
			return room;
		}
	}

	private void leave(String roomId, Session session) {
		synchronized (this.rooms) {
			List<Session> room = this.rooms.get(roomId);
			if (room != null && room.remove(session) && room.isEmpty()) {
				this.rooms.remove(roomId);
			}
		}
	}

	private List<Member> present(String roomId, Member joining) {
		Map<Long, Member> distinct = new LinkedHashMap<>();
		synchronized (this.rooms) {
			this.rooms.getOrDefault(roomId, List.of())
				.forEach((session) -> distinct.putIfAbsent(session.member.getUserId(), session.member));
		}
		distinct.putIfAbsent(joining.getUserId(), joining);
		return new ArrayList<>(distinct.values());
	}

	private static void broadcast(List<Session> room, ChatResponse event, long exceptUserId) {
		for (Session member : room) {
			if (member.member.getUserId() != exceptUserId) {
				member.outbox.offer(event);
			}
		}
	}

	private static Timestamp now() {
		Instant now = Instant.now();
		return Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
	}

	private final class Service extends ChatServiceGrpc.ChatServiceImplBase {

		@Override
		public StreamObserver<ChatRequest> chat(StreamObserver<ChatResponse> responses) {
			return new Session((ServerCallStreamObserver<ChatResponse>) responses, CALLER_AUTHORIZATION.get());
		}

	}

	/**
	 * One Chat stream.
	 */
	private final class Session implements StreamObserver<ChatRequest> {

		private final ServerCallStreamObserver<ChatResponse> responses;

		private final String authorization;

		private final Outbox outbox;

		private volatile Member member = Member.getDefaultInstance();

		private volatile String roomId;

		private volatile List<Session> room;

		private boolean joinAsked;

		Session(ServerCallStreamObserver<ChatResponse> responses, String authorization) {
			this.responses = responses;
			this.authorization = authorization;
			this.outbox = new Outbox(responses);
			responses.disableAutoRequest();
			responses.setOnCancelHandler(this::cancelled);
			responses.request(1);
		}

		@Override
		public void onNext(ChatRequest request) {
			if (!this.joinAsked && request.hasJoin()) {
				this.joinAsked = true;
				join(request.getJoin().getRoomId(), request.getJoin().getUserId());
			}
			else if (this.room != null && request.hasSend()) {
				send(request.getSend());
				this.responses.request(1);
			}
			else {
				this.outbox.fail(Status.FAILED_PRECONDITION
					.withDescription(this.joinAsked ? "already joined" : "the first request of a chat stream must be a join")
					.asRuntimeException());
				end(true);
			}
		}

		private void join(String roomId, long userId) {
			Metadata headers = new Metadata();
			if (this.authorization != null) {
				headers.put(AUTHORIZATION, this.authorization);
			}
			Futures.addCallback(BareChatServer.this.users.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
				.withDeadlineAfter(2, TimeUnit.SECONDS)
				.getUser(GetUserRequest.newBuilder().setId(userId).build()), new FutureCallback<GetUserResponse>() {

					@Override
					public void onSuccess(GetUserResponse found) {
						enterRoom(roomId, Member.newBuilder()
							.setUserId(found.getUser().getId())
							.setName(found.getUser().getName())
							.build());
					}

					@Override
					public void onFailure(Throwable failure) {
						Status status = Status.fromThrowable(failure);
						Status answer = (status.getCode() == Status.Code.NOT_FOUND) ? status
								: Status.UNAVAILABLE.withDescription("user service unavailable (" + status.getCode() + " "
										+ status.getDescription() + "); retry later");
						Session.this.outbox.fail(answer.asRuntimeException());
					}

				}, MoreExecutors.directExecutor());
		}

		private void enterRoom(String roomId, Member joined) {
			if (this.responses.isCancelled()) {
				return;
			}
			this.member = joined;
			this.roomId = roomId;
			// As chat-service: the Joined (with this member) is queued before the room's events reach it.
			this.outbox.offer(ChatResponse.newBuilder()
				.setJoined(Joined.newBuilder().setRoomId(roomId).addAllMembers(present(roomId, joined)))
				.build());
			List<Session> room = enter(roomId, this);
			this.room = room;
			broadcast(room, ChatResponse.newBuilder()
				.setMemberJoined(MemberJoined.newBuilder().setMember(joined).setJoinedAt(now()))
				.build(), joined.getUserId());
			if (this.responses.isCancelled()) {
				end(true);
			}
			else {
				this.responses.request(1);
			}
		}

		private void send(SendMessage send) {
			long id = BareChatServer.this.messageIds.incrementAndGet();
			ChatMessage message = ChatMessage.newBuilder()
				// 26 characters, as chat-service's ULIDs.
				.setMessageId(String.format("%026d", id))
				.setRoomId(this.roomId)
				.setSender(this.member)
				.setText(send.getText())
				.setSentAt(now())
				.setClientMessageId(send.getClientMessageId())
				.build();
			broadcast(this.room, ChatResponse.newBuilder().setMessage(message).build(), 0);
		}

		@Override
		public void onCompleted() {
			end(true);
			this.outbox.complete();
		}

		@Override
		public void onError(Throwable t) {
			cancelled();
		}

		private void cancelled() {
			this.outbox.cancel();
			end(true);
		}

		private void end(boolean announce) {
			List<Session> joined;
			synchronized (this) {
				joined = this.room;
				this.room = null;
			}
			if (joined != null) {
				leave(this.roomId, this);
				if (announce) {
					broadcast(joined, ChatResponse.newBuilder()
						.setMemberLeft(MemberLeft.newBuilder().setMember(this.member).setLeftAt(now()))
						.build(), this.member.getUserId());
				}
			}
		}

	}

	/**
	 * The events on their way to one member: a bounded queue drained by one thread at a time while
	 * the transport is ready (whoever offers, or the on-ready handler).
	 */
	private static final class Outbox {

		private final ServerCallStreamObserver<ChatResponse> responses;

		private final ArrayDeque<ChatResponse> queue = new ArrayDeque<>();

		private long dropped;

		private boolean draining;

		private boolean completing;

		private Throwable error;

		private boolean done;

		Outbox(ServerCallStreamObserver<ChatResponse> responses) {
			this.responses = responses;
			responses.setOnReadyHandler(this::drain);
		}

		void offer(ChatResponse event) {
			synchronized (this) {
				if (this.done || this.completing || this.error != null) {
					return;
				}
				if (this.queue.size() >= QUEUE_CAPACITY) {
					this.queue.pollFirst();
					this.dropped++;
				}
				this.queue.addLast(event);
				if (this.draining) {
					return;
				}
				this.draining = true;
			}
			drainClaimed();
		}

		void complete() {
			synchronized (this) {
				this.completing = true;
			}
			drain();
		}

		void fail(Throwable failure) {
			synchronized (this) {
				if (this.error == null) {
					this.error = failure;
				}
				this.queue.clear();
			}
			drain();
		}

		void cancel() {
			synchronized (this) {
				this.done = true;
				this.queue.clear();
			}
		}

		void drain() {
			synchronized (this) {
				if (this.draining || this.done) {
					return;
				}
				this.draining = true;
			}
			drainClaimed();
		}

		private void drainClaimed() {
			for (ChatResponse next = nextOrRelease(); next != null; next = nextOrRelease()) {
				this.responses.onNext(next);
			}
		}

		/**
		 * Returns the next event to write while this thread holds the drain; else gives the drain up
		 * (or writes the stream's end) and returns {@code null}.
		 */
		private ChatResponse nextOrRelease() {
			Throwable failure;
			synchronized (this) {
				if (this.done || this.responses.isCancelled()) {
					this.done = true;
					this.draining = false;
					return null;
				}
				failure = this.error;
				if (failure == null) {
					if (!this.responses.isReady()) {
						// The on-ready handler drains again.
						this.draining = false;
						return null;
					}
					if (this.dropped > 0) {
						long dropped = this.dropped;
						this.dropped = 0;
						return ChatResponse.newBuilder().setGap(Gap.newBuilder().setDroppedCount(dropped)).build();
					}
					ChatResponse queued = this.queue.pollFirst();
					if (queued != null || !this.completing) {
						this.draining = queued != null;
						return queued;
					}
				}
				this.done = true;
			}
			// Past done no other thread drains: this one writes the end alone.
			if (failure != null) {
				this.responses.onError(failure);
			}
			else {
				this.responses.onCompleted();
			}
			return null;
		}

	}

}
