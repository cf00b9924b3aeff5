package dev.grpcplatform.chat.room;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.google.rpc.ErrorInfo;
import dev.grpcplatform.chat.testing.ChatClient;
import dev.grpcplatform.chat.testing.FakeUserService;
import dev.grpcplatform.chat.testing.ResumeScenarios;
import dev.grpcplatform.chat.testing.ResumingMember;
import dev.grpcplatform.chat.testing.ChatServiceUnderTest;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.proto.chat.v1.ChatMessage;
import dev.grpcplatform.proto.chat.v1.ChatRequest;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.JoinRoom;
import dev.grpcplatform.proto.chat.v1.Joined;
import dev.grpcplatform.starter.security.DevelopmentTokens;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Members that join again with resume_after_message_id, on one instance (memory broker, history of
 * 50 messages per room) over real sockets, with a stand-in user-service that is asked at every
 * join.
 */
class ChatResumeIntegrationTests {

	private static final String TOKEN = DevelopmentTokens.mint("chat-client", "chat:write", "users:read");

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static FakeUserService users;

	private static RunningGrpcApplication chat;

	private static ManagedChannel channel;

	@BeforeAll
	static void start() {
		users = FakeUserService.start().user(1, "Ada").user(2, "Grace").user(3, "Linus");
		chat = ChatServiceUnderTest.start(users.addressProperty(), "chat.history.size=50", "chat.users.cache-size=0");
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
	void memberThatReconnectsReceivesWhatWasSentMeanwhileOnceAndInOrder() {
		ResumeScenarios.memberReconnectsWhileAnotherSends("memory broker, own reconnect", "resume", channel, channel,
				channel);
	}

	@Test
	void resumeByMessageIdAloneFindsItInTheHistory() {
		try (ChatClient grace = ChatClient.open(channel); ChatClient ada = ChatClient.open(channel)) {
			grace.join("by-id", 2).awaitJoined();
			grace.send("one").send("two").send("three");
			List<ChatMessage> seen = grace.awaitMessages(3);
			ada.request(join("by-id", 1, seen.get(0).getMessageId(), 0));
			Joined joined = ada.awaitJoined();
			assertThat(joined.getReplayedCount()).isEqualTo(2);
			assertThat(ada.awaitMessages(2)).extracting(ChatMessage::getText).containsExactly("two", "three");
			assertThat(seen).extracting(ChatMessage::getSequence).containsExactly(1L, 2L, 3L);
		}
	}

	@Test
	void resumeFromFurtherBackThanTheHistoryStartsWithAGapOfTheExactNumberLost() {
		try (ChatClient grace = ChatClient.open(channel); ChatClient ada = ChatClient.open(channel)) {
			grace.join("gap", 2).awaitJoined();
			grace.send("first");
			ChatMessage first = grace.awaitMessages(1).get(0);
			for (int i = 0; i < 120; i++) {
				grace.send("later " + i);
			}
			List<ChatMessage> later = grace.awaitMessages(120);
			ada.request(join("gap", 1, first.getMessageId(), first.getSequence()));
			Joined joined = ada.awaitJoined();
			// 120 sent after the resume point, 50 kept: 70 lost, 50 replayed.
			assertThat(joined.getReplayedCount()).isEqualTo(50);
			assertThat(ada.next().getGap().getDroppedCount()).isEqualTo(70);
			assertThat(ada.awaitMessages(50)).isEqualTo(later.subList(70, 120));
			grace.send("live");
			assertThat(ada.next(ChatResponse::hasMessage).getMessage().getText()).isEqualTo("live");
		}
	}

	@Test
	void malformedResumePointsFailWithInvalidArgument() {
		for (ChatRequest request : List.of(join("lobby", 1, "not-a-message-id", 0),
				join("lobby", 1, "01hzy3v3q8n6k6a1b2c3d4e5f6", 0), join("lobby", 1, "01HZY3V3Q8N6K6A1B2C3D4E5F", 0),
				join("lobby", 1, "81HZY3V3Q8N6K6A1B2C3D4E5F6", 0), join("lobby", 1, "", 5),
				join("lobby", 1, "01HZY3V3Q8N6K6A1B2C3D4E5F6", -1))) {
			try (ChatClient ada = ChatClient.open(channel)) {
				ada.request(request);
				Status status = ada.awaitStatus();
				assertThat(status.getCode()).as(request.toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
				assertThat(status.getDescription()).as(request.toString()).contains("resume_after");
			}
		}
	}

	@Test
	void resumePointNotInTheHistoryFailsWithNotFoundAndSaysToJoinWithout() {
		try (ChatClient grace = ChatClient.open(channel)) {
			grace.join("unknown", 2).awaitJoined();
			grace.send("there");
			ChatMessage there = grace.awaitMessages(1).get(0);
			List<ChatRequest> unknown = new ArrayList<>(List.of(
					// Never posted.
					join("unknown", 1, "01HZY3V3Q8N6K6A1B2C3D4E5F6", 0),
					// Posted to another room.
					join("unknown-too", 1, there.getMessageId(), there.getSequence()),
					// Another message has that number: a history that started again.
					join("unknown", 1, "01HZY3V3Q8N6K6A1B2C3D4E5F6", there.getSequence()),
					// Beyond the end: numbered by a history that was lost.
					join("unknown", 1, "01HZY3V3Q8N6K6A1B2C3D4E5F6", 99)));
			for (ChatRequest request : unknown) {
				try (ChatClient ada = ChatClient.open(channel)) {
					ada.request(request);
					Status status = ada.awaitStatus();
					assertThat(status.getCode()).as(request.toString()).isEqualTo(Status.Code.NOT_FOUND);
					assertThat(status.getDescription()).as(request.toString())
						.isEqualTo("message " + request.getJoin().getResumeAfterMessageId() + " is not in the history of room "
								+ request.getJoin().getRoomId()
								+ ", which cannot tell what was missed; join without resume_after_message_id");
					ErrorInfo info = StatusProto.fromStatusAndTrailers(status, ada.trailers())
						.getDetails(0)
						.unpack(ErrorInfo.class);
					assertThat(info.getReason()).isEqualTo("MESSAGE_NOT_IN_HISTORY");
				}
				catch (com.google.protobuf.InvalidProtocolBufferException ex) {
					throw new IllegalStateException(ex);
				}
			}
			// Nobody saw those members enter.
			grace.send("still alone");
			assertThat(grace.next()).satisfies((next) -> assertThat(next.getMessage().getText()).isEqualTo("still alone"));
		}
	}

	@Test
	void membersJoiningWhileUserServiceIsDownGetUnavailableThenResumeWithoutLossesOnceItIsBack() {
		long start = System.nanoTime();
		try (ResumingMember ada = new ResumingMember("user-outage", 1, "Ada");
				ResumingMember grace = new ResumingMember("user-outage", 2, "Grace");
				ResumingMember linus = new ResumingMember("user-outage", 3, "Linus")) {
			ada.joinRetrying(channel, TIMEOUT);
			linus.joinRetrying(channel, TIMEOUT);
			grace.joinRetrying(channel, TIMEOUT);
			grace.send("before", "before");
			ada.follow(() -> channel, () -> ada.received().size() == 1, TIMEOUT);
			linus.follow(() -> channel, () -> linus.received().size() == 1, TIMEOUT);
			ada.disconnect();
			linus.disconnect();
			users.close();
			int joinsRefused;
			try {
				for (int i = 0; i < 10; i++) {
					grace.send("outage-" + i, "outage " + i);
				}
				Status refused = ada.tryJoin(channel);
				assertThat(refused.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
				assertThat(refused.getDescription()).isEqualTo("user-service unavailable; retry later");
				joinsRefused = 1;
			}
			finally {
				users.restart();
			}
			CompletableFuture<Integer> linusJoining = CompletableFuture
				.supplyAsync(() -> linus.joinRetrying(channel, TIMEOUT));
			joinsRefused += ada.joinRetrying(channel, TIMEOUT);
			joinsRefused += linusJoining.orTimeout(60, TimeUnit.SECONDS).join();
			grace.send("after", "after");
			List<String> sent = grace.sent();
			for (ResumingMember member : List.of(ada, linus, grace)) {
				member.follow(() -> channel, () -> member.receivedClientMessageIds().containsAll(sent), TIMEOUT);
			}
			System.out.println("user-service down while members join: " + joinsRefused + " joins refused");
			ResumingMember.assertEachReceivedEveryMessageOnce("memory broker, user-service down while members resume",
					start, sent, ada, linus, grace);
		}
	}

	static ChatRequest join(String roomId, long userId, String resumeAfterMessageId, long resumeAfterSequence) {
		return ChatRequest.newBuilder()
			.setJoin(JoinRoom.newBuilder()
				.setRoomId(roomId)
				.setUserId(userId)
				.setResumeAfterMessageId(resumeAfterMessageId)
				.setResumeAfterSequence(resumeAfterSequence))
			.build();
	}

}
