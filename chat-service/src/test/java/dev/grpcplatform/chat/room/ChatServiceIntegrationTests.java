package dev.grpcplatform.chat.room;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.google.rpc.ErrorInfo;
import dev.grpcplatform.chat.testing.ChatClient;
import dev.grpcplatform.chat.testing.ChatServiceUnderTest;
import dev.grpcplatform.chat.testing.FakeUserService;
import dev.grpcplatform.proto.chat.v1.ChatMessage;
import dev.grpcplatform.proto.chat.v1.ChatRequest;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.Member;
import dev.grpcplatform.proto.chat.v1.SendMessage;
import dev.grpcplatform.proto.user.v1.UserStatus;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.security.DevelopmentTokens;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Chat rooms on one instance (memory broker) over real sockets, with a stand-in user-service.
 */
class ChatServiceIntegrationTests {

	private static final String TOKEN = DevelopmentTokens.mint("chat-client", "chat:write", "users:read");

	private static FakeUserService users;

	private static RunningGrpcApplication chat;

	private static ManagedChannel channel;

	@BeforeAll
	static void start() {
		users = FakeUserService.start()
			.user(1, "Ada")
			.user(2, "Grace")
			.user(3, "Linus")
			.user(4, "Barbara")
			.user(5, "Ken")
			.user(6, "Dormant", UserStatus.USER_STATUS_INACTIVE)
			.user(7, "Retry");
		chat = ChatServiceUnderTest.start(users.addressProperty());
		channel = chat.newChannel(TOKEN);
	}

	@AfterAll
	static void stop() {
		if (chat != null) {
			chat.close();
		}
		if (users != null) {
			users.close();
		}
	}

	@Test
	void theMemoryBrokerRunsWithoutARedisClient() {
		assertThat(chat.context().getBeanNamesForType(RedisConnectionFactory.class)).isEmpty();
		assertThat(chat.context().getBeanNamesForType(ClientResources.class)).isEmpty();
	}

	@Test
	void threeMembersEachReceiveEveryMessageInOrderPerSender() {
		try (ChatClient ada = ChatClient.open(channel); ChatClient grace = ChatClient.open(channel);
				ChatClient linus = ChatClient.open(channel)) {
			assertThat(ada.join("three", 1).awaitJoined().getMembersList()).containsExactly(member(1, "Ada"));
			assertThat(grace.join("three", 2).awaitJoined().getMembersList())
				.containsExactlyInAnyOrder(member(1, "Ada"), member(2, "Grace"));
			assertThat(linus.join("three", 3).awaitJoined().getMembersList())
				.containsExactlyInAnyOrder(member(1, "Ada"), member(2, "Grace"), member(3, "Linus"));
			assertThat(ada.next().getMemberJoined().getMember()).isEqualTo(member(2, "Grace"));
			int perSender = 200;
			for (int i = 0; i < perSender; i++) {
				ada.send("ada " + i, "a" + i);
				grace.send("grace " + i);
				linus.send("linus " + i);
			}
			for (ChatClient member : List.of(ada, grace, linus)) {
				List<ChatMessage> messages = member.awaitMessages(3 * perSender);
				Map<Long, List<String>> bySender = messages.stream()
					.collect(Collectors.groupingBy((message) -> message.getSender().getUserId(),
							Collectors.mapping(ChatMessage::getText, Collectors.toList())));
				assertThat(bySender).containsOnlyKeys(1L, 2L, 3L);
				for (int i = 0; i < perSender; i++) {
					assertThat(bySender.get(1L).get(i)).isEqualTo("ada " + i);
					assertThat(bySender.get(2L).get(i)).isEqualTo("grace " + i);
					assertThat(bySender.get(3L).get(i)).isEqualTo("linus " + i);
				}
				assertThat(messages).extracting(ChatMessage::getMessageId).doesNotHaveDuplicates();
				assertThat(messages).allSatisfy((message) -> {
					assertThat(message.getRoomId()).isEqualTo("three");
					assertThat(message.getSentAt().getSeconds()).isPositive();
					assertThat(message.getMessageId()).hasSize(26);
				});
			}
		}
	}

	@Test
	void senderGetsItsOwnMessageWithServerAssignedIdTimeAndNameAndItsClientMessageId() {
		try (ChatClient ada = ChatClient.open(channel)) {
			ada.join("echo", 1).awaitJoined();
			ada.send("hello", "c-1");
			ChatMessage message = ada.next().getMessage();
			assertThat(message.getText()).isEqualTo("hello");
			assertThat(message.getClientMessageId()).isEqualTo("c-1");
			assertThat(message.getSender()).isEqualTo(member(1, "Ada"));
			assertThat(message.getMessageId()).matches("[0-9A-HJKMNP-TV-Z]{26}");
			assertThat(message.getSentAt().getSeconds()).isCloseTo(System.currentTimeMillis() / 1000, within(60L));
		}
	}

	@Test
	void messagesSentRightAfterTheJoinAreDeliveredAfterTheJoined() {
		try (ChatClient ada = ChatClient.open(channel)) {
			ada.join("eager", 1).send("one").send("two");
			ada.awaitJoined();
			assertThat(ada.awaitMessages(2)).extracting(ChatMessage::getText).containsExactly("one", "two");
		}
	}

	@Test
	void cancelledStreamLeavesTheRoomAndTheOthersAreTold() {
		try (ChatClient ada = ChatClient.open(channel); ChatClient grace = ChatClient.open(channel)) {
			ada.join("cancel", 1).awaitJoined();
			grace.join("cancel", 2).awaitJoined();
			ada.next(ChatResponse::hasMemberJoined);
			grace.cancel();
			assertThat(ada.next().getMemberLeft().getMember()).isEqualTo(member(2, "Grace"));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> rooms().outboxes("cancel").keySet(), (present) -> present.equals(Set.of(1L)));
			ada.send("still here");
			assertThat(ada.next().getMessage().getText()).isEqualTo("still here");
		}
	}

	@Test
	void halfCloseLeavesTheRoomAndEndsTheStreamWithOk() {
		try (ChatClient ada = ChatClient.open(channel); ChatClient grace = ChatClient.open(channel)) {
			ada.join("half", 1).awaitJoined();
			grace.join("half", 2).awaitJoined();
			grace.send("bye");
			grace.halfClose();
			assertThat(grace.awaitMessages(1).get(0).getText()).isEqualTo("bye");
			assertThat(grace.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
			assertThat(ada.next(ChatResponse::hasMemberLeft).getMemberLeft().getMember()).isEqualTo(member(2, "Grace"));
		}
	}

	@Test
	void lastMemberLeavingEmptiesTheRoomOnThisInstance() {
		try (ChatClient ada = ChatClient.open(channel)) {
			ada.join("empty", 1).awaitJoined();
			assertThat(rooms().outboxes("empty")).containsOnlyKeys(1L);
			ada.halfClose();
			assertThat(ada.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
			await().atMost(Duration.ofSeconds(10)).until(() -> rooms().outboxes("empty").isEmpty());
		}
	}

	@Test
	void firstRequestThatIsNotAJoinFailsWithFailedPrecondition() {
		try (ChatClient ada = ChatClient.open(channel)) {
			ada.send("hello?");
			Status status = ada.awaitStatus();
			assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
			assertThat(status.getDescription()).isEqualTo("the first request of a chat stream must be a join");
		}
	}

	@Test
	void secondJoinOnOneStreamFailsWithFailedPreconditionAndLeavesTheRoom() {
		try (ChatClient ada = ChatClient.open(channel); ChatClient grace = ChatClient.open(channel)) {
			ada.join("second", 1).awaitJoined();
			grace.join("second", 2).awaitJoined();
			grace.join("other", 2);
			Status status = grace.awaitStatus();
			assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
			assertThat(status.getDescription()).startsWith("already joined room second");
			assertThat(ada.next(ChatResponse::hasMemberLeft).getMemberLeft().getMember().getUserId()).isEqualTo(2);
		}
	}

	@Test
	void unknownUserFailsWithNotFound() {
		try (ChatClient nobody = ChatClient.open(channel)) {
			nobody.join("lobby", 999);
			Status status = nobody.awaitStatus();
			assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
			assertThat(status.getDescription()).isEqualTo("user 999 not found");
		}
	}

	@Test
	void joinsFailWithUnavailableWhileUserServiceIsDownAndSucceedAgainOnceItIsBack() {
		try (ChatClient barbara = ChatClient.open(channel)) {
			users.close();
			try {
				barbara.join("outage", 4);
				Status status = barbara.awaitStatus();
				assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
				assertThat(status.getDescription()).isEqualTo("user-service unavailable; retry later");
			}
			finally {
				users.restart();
			}
		}
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
			try (ChatClient barbara = ChatClient.open(channel)) {
				assertThat(barbara.join("outage", 4).next().getJoined().getMembersList())
					.containsExactly(member(4, "Barbara"));
			}
		});
	}

	@Test
	void lookupsThatFailWithUnavailableAreRetried() {
		int before = users.lookups();
		users.failNext(2);
		try (ChatClient retry = ChatClient.open(channel)) {
			assertThat(retry.join("retry", 7).awaitJoined().getMembersList()).containsExactly(member(7, "Retry"));
		}
		assertThat(users.lookups() - before).isEqualTo(3);
	}

	@Test
	void inactiveUserFailsWithFailedPrecondition() {
		try (ChatClient dormant = ChatClient.open(channel)) {
			dormant.join("lobby", 6);
			Status status = dormant.awaitStatus();
			assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
			assertThat(status.getDescription()).isEqualTo("user 6 is not active");
		}
	}

	@Test
	void notFoundCarriesErrorInfoWithReasonAndUserId() {
		try (ChatClient nobody = ChatClient.open(channel)) {
			nobody.join("lobby", 998);
			com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(nobody.awaitStatus(), nobody.trailers());
			assertThat(details.getDetailsList()).hasSize(1);
			ErrorInfo info = unpack(details.getDetails(0));
			assertThat(info.getReason()).isEqualTo("USER_NOT_FOUND");
			assertThat(info.getMetadataMap()).containsEntry("userId", "998");
		}
	}

	@Test
	void lookupsCarryTheCallersTokenAndFoundUsersAreRemembered() {
		int before = users.lookups();
		try (ChatClient ken = ChatClient.open(channel); ChatClient again = ChatClient.open(channel)) {
			ken.join("cache", 5).awaitJoined();
			again.join("cache-too", 5).awaitJoined();
		}
		assertThat(users.lookups() - before).isEqualTo(1);
		assertThat(users.authorizations()).last().isEqualTo("Bearer " + TOKEN);
	}

	@Test
	void invalidRoomIdFailsWithInvalidArgument() {
		try (ChatClient ada = ChatClient.open(channel)) {
			ada.join("Not A Room!", 1);
			assertThat(ada.awaitStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		}
		try (ChatClient ada = ChatClient.open(channel)) {
			ada.join("lobby", 1).awaitJoined();
			ada.request(ChatRequest.newBuilder().setSend(SendMessage.newBuilder().setText("")).build());
			assertThat(ada.awaitStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		}
		try (ChatClient ada = ChatClient.open(channel)) {
			ada.request(ChatRequest.getDefaultInstance());
			assertThat(ada.awaitStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		}
	}

	@Test
	void callerWithoutChatWriteIsDeniedAndCallerWithoutTokenIsUnauthenticated() {
		try (ChatClient reader = ChatClient.open(chat.newChannel(DevelopmentTokens.mint("reader", "users:read")))) {
			reader.join("lobby", 1);
			assertThat(reader.awaitStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
		}
		try (ChatClient anonymous = ChatClient.open(chat.newChannel(null))) {
			anonymous.join("lobby", 1);
			assertThat(anonymous.awaitStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
		}
	}

	private static ChatRooms rooms() {
		return chat.context().getBean(ChatRooms.class);
	}

	private static Member member(long id, String name) {
		return Member.newBuilder().setUserId(id).setName(name).build();
	}

	private static ErrorInfo unpack(com.google.protobuf.Any any) {
		try {
			return any.unpack(ErrorInfo.class);
		}
		catch (com.google.protobuf.InvalidProtocolBufferException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
