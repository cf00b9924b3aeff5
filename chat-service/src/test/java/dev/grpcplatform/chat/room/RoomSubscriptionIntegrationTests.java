package dev.grpcplatform.chat.room;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.grpcplatform.chat.testing.ChatClient;
import dev.grpcplatform.chat.testing.ChatWithUsers;
import dev.grpcplatform.chat.testing.FakeUserService;
import dev.grpcplatform.proto.chat.v1.ChatMessage;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.ChatServiceGrpc;
import dev.grpcplatform.proto.chat.v1.JoinRoom;
import dev.grpcplatform.proto.chat.v1.Member;
import dev.grpcplatform.proto.chat.v1.SendMessage;
import dev.grpcplatform.proto.chat.v1.SendRoomMessageRequest;
import dev.grpcplatform.proto.chat.v1.SendRoomMessageResponse;
import dev.grpcplatform.proto.chat.v1.SubscribeRoomRequest;
import dev.grpcplatform.proto.user.v1.UserStatus;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.security.DevelopmentTokens;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The browser's way into a room, SubscribeRoom and SendRoomMessage, beside Chat streams in the
 * same room, on one instance (memory broker) over real sockets, with a stand-in user-service.
 */
class RoomSubscriptionIntegrationTests {

	private static final String TOKEN = DevelopmentTokens.mint("chat-client", "chat:write", "users:read");

	private static ChatWithUsers service;

	private static RunningGrpcApplication chat;

	private static ManagedChannel channel;

	@BeforeAll
	static void start() {
		service = ChatWithUsers.start(FakeUserService.start()
			.user(1, "Ada")
			.user(2, "Grace")
			.user(3, "Linus")
			.user(6, "Dormant", UserStatus.USER_STATUS_INACTIVE));
		chat = service.chat();
		channel = chat.newChannel(TOKEN);
	}

	@AfterAll
	static void stop() {
		if (service != null) {
			service.close();
		}
	}

	@Test
	void subscribersAndAChatMemberSeeEachOthersJoinsMessagesInOrderPerSenderAndLeaves() {
		ChatServiceGrpc.ChatServiceBlockingStub stub = ChatServiceGrpc.newBlockingStub(channel);
		try (ChatClient ada = ChatClient.open(channel); ChatClient grace = ChatClient.subscribe(channel, "mixed", 2)) {
			ada.join("mixed", 1);
			assertThat(ada.awaitJoined().getMembersList()).contains(member(1, "Ada"));
			assertThat(grace.awaitJoined().getMembersList()).contains(member(2, "Grace"));
			ChatClient linus = ChatClient.subscribe(channel, "mixed", 3);
			assertThat(linus.awaitJoined().getMembersList()).containsExactlyInAnyOrder(member(1, "Ada"),
					member(2, "Grace"), member(3, "Linus"));
			assertThat(ada.next((event) -> event.hasMemberJoined()
					&& event.getMemberJoined().getMember().getUserId() == 3)).isNotNull();
			assertThat(grace.next((event) -> event.hasMemberJoined()
					&& event.getMemberJoined().getMember().getUserId() == 3)).isNotNull();
			int perSender = 50;
			for (int i = 0; i < perSender; i++) {
				ada.send("ada " + i);
				SendRoomMessageResponse sent = stub.sendRoomMessage(send("mixed", 2, "grace " + i, "g" + i));
				assertThat(sent.getMessageId()).matches("[0-9A-HJKMNP-TV-Z]{26}");
				assertThat(sent.getSentAt().getSeconds()).isPositive();
				stub.sendRoomMessage(send("mixed", 3, "linus " + i, ""));
			}
			Map<Long, List<String>> sent = Map.of(1L, ChatClient.numbered("ada", perSender), 2L,
					ChatClient.numbered("grace", perSender), 3L, ChatClient.numbered("linus", perSender));
			for (ChatClient member : List.of(ada, grace, linus)) {
				List<ChatMessage> messages = member.awaitMessages(3 * perSender);
				assertThat(ChatClient.textsBySender(messages)).isEqualTo(sent);
				assertThat(messages).extracting(ChatMessage::getMessageId).doesNotHaveDuplicates();
				assertThat(messages).extracting(ChatMessage::getSequence).isSorted();
			}
			linus.cancel();
			assertThat(ada.next(ChatResponse::hasMemberLeft).getMemberLeft().getMember()).isEqualTo(member(3, "Linus"));
			assertThat(grace.next(ChatResponse::hasMemberLeft).getMemberLeft().getMember())
				.isEqualTo(member(3, "Linus"));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> rooms().outboxes("mixed").keySet(), (present) -> present.equals(Set.of(1L, 2L)));
			ada.halfClose();
			assertThat(grace.next(ChatResponse::hasMemberLeft).getMemberLeft().getMember()).isEqualTo(member(1, "Ada"));
		}
	}

	@Test
	void theSendersOwnSubscriptionReceivesItsMessageWithTheIdAndTimeSendRoomMessageAnswered() {
		try (ChatClient grace = ChatClient.subscribe(channel, "own", 2)) {
			grace.awaitJoined();
			SendRoomMessageResponse sent = ChatServiceGrpc.newBlockingStub(channel)
				.sendRoomMessage(send("own", 2, "hello", "c-1"));
			ChatMessage message = grace.next(ChatResponse::hasMessage).getMessage();
			assertThat(message.getMessageId()).isEqualTo(sent.getMessageId());
			assertThat(message.getSentAt()).isEqualTo(sent.getSentAt());
			assertThat(message.getClientMessageId()).isEqualTo("c-1");
			assertThat(message.getSender()).isEqualTo(member(2, "Grace"));
			assertThat(message.getSequence()).isEqualTo(1);
		}
	}

	@Test
	void aSubscriptionResumesAfterTheLastMessageItSaw() {
		ChatServiceGrpc.ChatServiceBlockingStub stub = ChatServiceGrpc.newBlockingStub(channel);
		ChatMessage seen;
		try (ChatClient grace = ChatClient.subscribe(channel, "resume-sub", 2)) {
			grace.awaitJoined();
			stub.sendRoomMessage(send("resume-sub", 1, "one", ""));
			seen = grace.next(ChatResponse::hasMessage).getMessage();
		}
		stub.sendRoomMessage(send("resume-sub", 1, "two", ""));
		stub.sendRoomMessage(send("resume-sub", 1, "three", ""));
		try (ChatClient grace = ChatClient.subscribe(channel, SubscribeRoomRequest.newBuilder()
			.setJoin(JoinRoom.newBuilder()
				.setRoomId("resume-sub")
				.setUserId(2)
				.setResumeAfterMessageId(seen.getMessageId())
				.setResumeAfterSequence(seen.getSequence()))
			.build())) {
			assertThat(grace.awaitJoined().getReplayedCount()).isEqualTo(2);
			assertThat(grace.awaitMessages(2)).extracting(ChatMessage::getText).containsExactly("two", "three");
		}
	}

	@Test
	void sendRoomMessageForAnUnknownUserIsNotFoundAndForAnInactiveOneFailedPrecondition() {
		ChatServiceGrpc.ChatServiceBlockingStub stub = ChatServiceGrpc.newBlockingStub(channel);
		StatusRuntimeException unknown = catchThrowableOfType(StatusRuntimeException.class,
				() -> stub.sendRoomMessage(send("lobby", 99, "hi", "")));
		assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
		assertThat(unknown.getStatus().getDescription()).isEqualTo("user 99 not found");
		assertThat(errorInfo(unknown).getReason()).isEqualTo("USER_NOT_FOUND");
		StatusRuntimeException inactive = catchThrowableOfType(StatusRuntimeException.class,
				() -> stub.sendRoomMessage(send("lobby", 6, "hi", "")));
		assertThat(inactive.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
		assertThat(errorInfo(inactive).getReason()).isEqualTo("USER_INACTIVE");
	}

	@Test
	void sendRoomMessageWithBadFieldsIsInvalidArgumentNamingEachField() {
		StatusRuntimeException invalid = catchThrowableOfType(StatusRuntimeException.class,
				() -> ChatServiceGrpc.newBlockingStub(channel)
					.sendRoomMessage(SendRoomMessageRequest.newBuilder()
						.setRoomId("Not A Room")
						.setUserId(0)
						.setMessage(SendMessage.newBuilder().setText(""))
						.build()));
		assertThat(invalid.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(badRequest(invalid).getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
			.containsExactlyInAnyOrder("room_id", "user_id", "message.text");
		StatusRuntimeException missing = catchThrowableOfType(StatusRuntimeException.class,
				() -> ChatServiceGrpc.newBlockingStub(channel)
					.sendRoomMessage(SendRoomMessageRequest.newBuilder().setRoomId("lobby").setUserId(1).build()));
		assertThat(badRequest(missing).getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
			.containsExactly("message");
	}

	@Test
	void subscribeWithoutAJoinIsInvalidArgumentAndForAnUnknownUserNotFound() {
		try (ChatClient nobody = ChatClient.subscribe(channel, SubscribeRoomRequest.getDefaultInstance());
				ChatClient unknown = ChatClient.subscribe(channel, "lobby", 99)) {
			Status missing = nobody.awaitStatus();
			assertThat(missing.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			assertThat(StatusProto.fromStatusAndTrailers(missing, nobody.trailers()).getDetailsList())
				.anySatisfy((detail) -> assertThat(detail.is(BadRequest.class)).isTrue());
			assertThat(unknown.awaitStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
		}
	}

	@Test
	void withoutTheScopeChatWriteBothAreDeniedAndWithoutATokenUnauthenticated() {
		ManagedChannel readOnly = chat.newChannel(DevelopmentTokens.mint("reader", "users:read"));
		ManagedChannel anonymous = chat.newChannel(null);
		try (ChatClient subscriber = ChatClient.subscribe(readOnly, "lobby", 1)) {
			assertThat(subscriber.awaitStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
			StatusRuntimeException denied = catchThrowableOfType(StatusRuntimeException.class,
					() -> ChatServiceGrpc.newBlockingStub(readOnly).sendRoomMessage(send("lobby", 1, "hi", "")));
			assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
			assertThat(errorInfo(denied).getMetadataMap()).containsEntry("requiredScopes", "chat:write");
			StatusRuntimeException anonymousSend = catchThrowableOfType(StatusRuntimeException.class,
					() -> ChatServiceGrpc.newBlockingStub(anonymous).sendRoomMessage(send("lobby", 1, "hi", "")));
			assertThat(anonymousSend.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
		}
		finally {
			readOnly.shutdownNow();
			anonymous.shutdownNow();
		}
	}

	static SendRoomMessageRequest send(String roomId, long userId, String text, String clientMessageId) {
		return SendRoomMessageRequest.newBuilder()
			.setRoomId(roomId)
			.setUserId(userId)
			.setMessage(SendMessage.newBuilder().setText(text).setClientMessageId(clientMessageId))
			.build();
	}

	private static ErrorInfo errorInfo(StatusRuntimeException error) {
		return detail(error, ErrorInfo.class);
	}

	private static BadRequest badRequest(StatusRuntimeException error) {
		return detail(error, BadRequest.class);
	}

	private static <T extends com.google.protobuf.Message> T detail(StatusRuntimeException error, Class<T> type) {
		com.google.rpc.Status status = StatusProto.fromThrowable(error);
		assertThat(status).isNotNull();
		return status.getDetailsList()
			.stream()
			.filter((detail) -> detail.is(type))
			.findFirst()
			.map((detail) -> {
				try {
					return detail.unpack(type);
				}
				catch (com.google.protobuf.InvalidProtocolBufferException ex) {
					throw new IllegalStateException(ex);
				}
			})
			.orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in " + status));
	}

	private static ChatRooms rooms() {
		return chat.context().getBean(ChatRooms.class);
	}

	private static Member member(long id, String name) {
		return Member.newBuilder().setUserId(id).setName(name).build();
	}

}
