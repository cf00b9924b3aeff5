package dev.grpcplatform.chat.broker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.grpcplatform.chat.testing.ChatClient;
import dev.grpcplatform.chat.testing.FakeUserService;
import dev.grpcplatform.chat.testing.RedisServer;
import dev.grpcplatform.chat.testing.ResumeScenarios;
import dev.grpcplatform.chat.testing.ResumingMember;
import dev.grpcplatform.chat.testing.ChatServiceUnderTest;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.proto.chat.v1.ChatMessage;
import dev.grpcplatform.proto.chat.v1.ChatRequest;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.ChatServiceGrpc;
import dev.grpcplatform.proto.chat.v1.JoinRoom;
import dev.grpcplatform.proto.chat.v1.Joined;
import dev.grpcplatform.proto.chat.v1.Member;
import dev.grpcplatform.proto.chat.v1.SendMessage;
import dev.grpcplatform.proto.chat.v1.SendRoomMessageRequest;
import dev.grpcplatform.starter.security.DevelopmentTokens;
import io.grpc.Channel;
import io.grpc.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two chat-service instances that share rooms through one real redis-server with append-only
 * persistence (history of 500 messages per room): fan-out, presence, shutdown, and members that
 * resume through the rooms' Redis Streams across their own reconnects, a graceful stop of their
 * instance (what SIGTERM runs) and a Redis restart.
 */
class RedisBrokerIntegrationTests {

	private static final String TOKEN = DevelopmentTokens.mint("chat-client", "chat:write", "users:read");

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static RedisServer redis;

	private static FakeUserService users;

	private static RunningGrpcApplication first;

	private static RunningGrpcApplication second;

	@BeforeAll
	static void start() {
		redis = RedisServer.startPersistent();
		users = FakeUserService.start().user(1, "Ada").user(2, "Grace").user(3, "Linus").user(4, "Ken");
		first = ChatServiceUnderTest.start(properties());
		second = ChatServiceUnderTest.start(properties());
	}

	private static String[] properties(String... more) {
		List<String> properties = new java.util.ArrayList<>(List.of(redis.brokerProperties()));
		properties.add(users.addressProperty());
		properties.add("chat.history.size=500");
		properties.addAll(List.of(more));
		return properties.toArray(String[]::new);
	}

	@AfterAll
	static void stop() {
		for (AutoCloseable each : new AutoCloseable[] { first, second, users, redis }) {
			try {
				if (each != null) {
					each.close();
				}
			}
			catch (Exception ex) {
				// Keep closing the others.
			}
		}
	}

	@Test
	void membersOnTwoInstancesSeeEachOthersMessagesInOrderPerSender() {
		try (ChatClient ada = ChatClient.open(first.newChannel(TOKEN));
				ChatClient grace = ChatClient.open(second.newChannel(TOKEN))) {
			assertThat(ada.join("shared", 1).awaitJoined().getMembersList()).containsExactly(member(1, "Ada"));
			assertThat(grace.join("shared", 2).awaitJoined().getMembersList())
				.containsExactlyInAnyOrder(member(1, "Ada"), member(2, "Grace"));
			assertThat(ada.next().getMemberJoined().getMember()).isEqualTo(member(2, "Grace"));
			int perSender = 100;
			for (int i = 0; i < perSender; i++) {
				ada.send("ada " + i);
				grace.send("grace " + i);
			}
			for (ChatClient member : List.of(ada, grace)) {
				List<ChatMessage> messages = member.awaitMessages(2 * perSender);
				Map<Long, List<String>> bySender = messages.stream()
					.collect(Collectors.groupingBy((message) -> message.getSender().getUserId(),
							Collectors.mapping(ChatMessage::getText, Collectors.toList())));
				for (int i = 0; i < perSender; i++) {
					assertThat(bySender.get(1L).get(i)).isEqualTo("ada " + i);
					assertThat(bySender.get(2L).get(i)).isEqualTo("grace " + i);
				}
				assertThat(messages).extracting(ChatMessage::getMessageId).doesNotHaveDuplicates();
			}
		}
	}

	@Test
	void aSubscriberOnOneInstanceAndAChatMemberOnTheOtherSeeEachOthersMessagesJoinsAndLeaves() {
		ChatServiceGrpc.ChatServiceBlockingStub sendToSecond = ChatServiceGrpc.newBlockingStub(second.newChannel(TOKEN));
		try (ChatClient grace = ChatClient.subscribe(first.newChannel(TOKEN), "browser", 2);
				ChatClient ada = ChatClient.open(second.newChannel(TOKEN))) {
			grace.awaitJoined();
			assertThat(ada.join("browser", 1).awaitJoined().getMembersList())
				.containsExactlyInAnyOrder(member(1, "Ada"), member(2, "Grace"));
			assertThat(grace.next(ChatResponse::hasMemberJoined).getMemberJoined().getMember()).isEqualTo(member(1, "Ada"));
			int perSender = 30;
			for (int i = 0; i < perSender; i++) {
				ada.send("ada " + i);
				sendToSecond.sendRoomMessage(SendRoomMessageRequest.newBuilder()
					.setRoomId("browser")
					.setUserId(2)
					.setMessage(SendMessage.newBuilder().setText("grace " + i))
					.build());
			}
			for (ChatClient member : List.of(ada, grace)) {
				assertThat(ChatClient.textsBySender(member.awaitMessages(2 * perSender)))
					.isEqualTo(Map.of(1L, ChatClient.numbered("ada", perSender), 2L, ChatClient.numbered("grace", perSender)));
			}
			grace.cancel();
			assertThat(ada.next(ChatResponse::hasMemberLeft).getMemberLeft().getMember()).isEqualTo(member(2, "Grace"));
		}
	}

	@Test
	void aMemberLeavingOnOneInstanceIsSeenLeavingOnTheOtherAndDropsOutOfTheMemberList() {
		try (ChatClient ada = ChatClient.open(first.newChannel(TOKEN));
				ChatClient linus = ChatClient.open(second.newChannel(TOKEN))) {
			ada.join("leaving", 1).awaitJoined();
			linus.join("leaving", 3).awaitJoined();
			ada.next(ChatResponse::hasMemberJoined);
			linus.cancel();
			assertThat(ada.next(ChatResponse::hasMemberLeft).getMemberLeft().getMember()).isEqualTo(member(3, "Linus"));
			try (ChatClient ken = ChatClient.open(second.newChannel(TOKEN))) {
				assertThat(ken.join("leaving", 4).awaitJoined().getMembersList())
					.containsExactlyInAnyOrder(member(1, "Ada"), member(4, "Ken"));
			}
		}
	}

	@Test
	void shutdownEndsOpenStreamsAtOnceWithUnavailableWhileTheOtherInstanceGoesOn() {
		RunningGrpcApplication leaving = ChatServiceUnderTest.start(properties("platform.grpc.shutdown.grace-period=60s"));
		try (ChatClient ada = ChatClient.open(first.newChannel(TOKEN));
				ChatClient grace = ChatClient.open(leaving.newChannel(TOKEN))) {
			ada.join("shutdown", 1).awaitJoined();
			grace.join("shutdown", 2).awaitJoined();
			ada.next(ChatResponse::hasMemberJoined);
			CompletableFuture<Void> closed = CompletableFuture.runAsync(leaving::close);
			// Well within the 60 s grace period: chat streams are closed as soon as shutdown begins.
			Status status = grace.awaitStatus();
			assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(status.getDescription()).isEqualTo("Server is shutting down; retry on another instance");
			closed.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
			// The client reconnects elsewhere and joins again.
			try (ChatClient again = ChatClient.open(second.newChannel(TOKEN))) {
				again.join("shutdown", 2).awaitJoined();
				again.send("back");
				assertThat(ada.next(ChatResponse::hasMessage).getMessage().getText()).isEqualTo("back");
			}
		}
		finally {
			leaving.close();
		}
	}

	@Test
	void memberThatReconnectsToTheOtherInstanceReceivesWhatWasSentMeanwhile() {
		ResumeScenarios.memberReconnectsWhileAnotherSends("redis broker, own reconnect to the other instance",
				"own-reconnect", first.newChannel(TOKEN), second.newChannel(TOKEN), second.newChannel(TOKEN));
	}

	@Test
	void membersResumeAcrossAGracefulStopOfTheirInstanceWhileAnotherKeepsSending() {
		long start = System.nanoTime();
		RunningGrpcApplication leaving = ChatServiceUnderTest.start(properties());
		AtomicReference<RunningGrpcApplication> restarted = new AtomicReference<>();
		Channel toSecond = second.newChannel(TOKEN);
		try (ResumingMember ada = new ResumingMember("instance-stop", 1, "Ada");
				ResumingMember linus = new ResumingMember("instance-stop", 3, "Linus");
				ResumingMember grace = new ResumingMember("instance-stop", 2, "Grace")) {
			Channel toLeaving = leaving.newChannel(TOKEN);
			ada.joinRetrying(toLeaving, TIMEOUT);
			linus.joinRetrying(toLeaving, TIMEOUT);
			grace.joinRetrying(toSecond, TIMEOUT);
			CompletableFuture<Void> sending = CompletableFuture
				.runAsync(() -> grace.sendSteadily(() -> toSecond, "steady", 400, Duration.ofMillis(10)));
			ada.awaitUntil(() -> ada.received().size() >= 30, TIMEOUT);
			linus.awaitUntil(() -> linus.received().size() >= 30, TIMEOUT);
			// What SIGTERM runs: the graceful shutdown, which ends chat streams at once.
			leaving.close();
			assertThat(ada.awaitEnd().getDescription()).isEqualTo("Server is shutting down; retry on another instance");
			assertThat(linus.awaitEnd().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			int seenBeforeStop = ada.received().size();
			// Linus goes to the other instance at once; Ada waits for hers to be back.
			Channel toFirst = first.newChannel(TOKEN);
			CompletableFuture<Void> linusFollowing = CompletableFuture.runAsync(
					() -> linus.follow(() -> toFirst, () -> linus.received().size() >= 400 && grace.sent().size() == 400, TIMEOUT));
			restarted.set(ChatServiceUnderTest.start(properties()));
			Supplier<Channel> toRestarted = () -> restarted.get().newChannel(TOKEN);
			ada.follow(toRestarted, () -> ada.received().size() >= 400, TIMEOUT);
			sending.orTimeout(120, TimeUnit.SECONDS).join();
			linusFollowing.orTimeout(120, TimeUnit.SECONDS).join();
			grace.follow(() -> toSecond, () -> grace.received().size() >= 400, TIMEOUT);
			System.out.println("graceful stop: Ada saw " + seenBeforeStop + " messages before the stop, "
					+ ada.joins().get(1).getReplayedCount() + " replayed on the restarted instance");
			assertThat(ada.joins().get(1).getReplayedCount()).isPositive();
			ResumingMember.assertEachReceivedEveryMessageOnce(
					"redis broker, graceful stop of the members' instance and a new one", start, grace.sent(), ada, linus,
					grace);
		}
		finally {
			leaving.close();
			if (restarted.get() != null) {
				restarted.get().close();
			}
		}
	}

	@Test
	void membersResumeAcrossARedisRestartWhileMessagesAreSent() {
		long start = System.nanoTime();
		Channel toFirst = first.newChannel(TOKEN);
		Channel toSecond = second.newChannel(TOKEN);
		try (ResumingMember ada = new ResumingMember("redis-restart", 1, "Ada");
				ResumingMember linus = new ResumingMember("redis-restart", 3, "Linus");
				ResumingMember grace = new ResumingMember("redis-restart", 2, "Grace")) {
			ada.joinRetrying(toFirst, TIMEOUT);
			linus.joinRetrying(toSecond, TIMEOUT);
			grace.joinRetrying(toSecond, TIMEOUT);
			CompletableFuture<Void> sending = CompletableFuture
				.runAsync(() -> grace.sendSteadily(() -> toSecond, "steady", 300, Duration.ofMillis(5)));
			ada.awaitUntil(() -> ada.received().size() >= 50, TIMEOUT);
			redis.restart();
			Status ended = ada.awaitEnd();
			assertThat(ended.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			CompletableFuture<Void> linusFollowing = CompletableFuture.runAsync(
					() -> linus.follow(() -> toSecond, () -> linus.received().size() >= 300 && grace.sent().size() == 300, TIMEOUT));
			ada.follow(() -> toFirst, () -> ada.received().size() >= 300, TIMEOUT);
			sending.orTimeout(120, TimeUnit.SECONDS).join();
			linusFollowing.orTimeout(120, TimeUnit.SECONDS).join();
			System.out.println("redis restart: Ada's stream ended with " + ended + "; joins: Ada " + ada.joins().size()
					+ ", Linus " + linus.joins().size() + ", Grace " + grace.joins().size());
			ResumingMember.assertEachReceivedEveryMessageOnce("redis broker, Redis restarted", start, grace.sent(), ada,
					linus, grace);
		}
	}

	@Test
	void whileRedisIsDownStreamsEndAndJoinsFailWithUnavailableAndOnceItIsBackRoomsWorkAgain() {
		try (ChatClient ada = ChatClient.open(first.newChannel(TOKEN));
				ChatClient grace = ChatClient.open(second.newChannel(TOKEN))) {
			ada.join("outage", 1).awaitJoined();
			grace.join("outage", 2).awaitJoined();
			ada.next(ChatResponse::hasMemberJoined);
			long stopped = System.nanoTime();
			redis.stop();
			try {
				for (ChatClient member : List.of(ada, grace)) {
					Status status = member.awaitStatus();
					assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
					assertThat(status.getDescription()).isEqualTo(
							"chat broker connection lost; join again with resume_after_message_id to receive what was missed");
				}
				System.out.println("redis down: both streams ended after "
						+ Duration.ofNanos(System.nanoTime() - stopped).toMillis() + " ms");
				for (RunningGrpcApplication instance : List.of(first, second)) {
					try (ChatClient linus = ChatClient.open(instance.newChannel(TOKEN))) {
						linus.join("outage", 3);
						Status status = linus.awaitStatus();
						assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
						assertThat(status.getDescription()).isEqualTo("chat broker unavailable; retry later");
					}
				}
			}
			finally {
				redis.restart();
			}
		}
		try (ResumingMember ada = new ResumingMember("outage", 1, "Ada");
				ResumingMember grace = new ResumingMember("outage", 2, "Grace")) {
			Channel toFirst = first.newChannel(TOKEN);
			Channel toSecond = second.newChannel(TOKEN);
			ada.joinRetrying(toFirst, TIMEOUT);
			grace.joinRetrying(toSecond, TIMEOUT);
			ada.send("a", "from the first instance");
			grace.send("g", "from the second instance");
			for (ResumingMember member : List.of(ada, grace)) {
				assertThat(member.awaitUntil(() -> member.receivedClientMessageIds().containsAll(List.of("a", "g")),
						TIMEOUT))
					.as(member.name() + " receives both")
					.isTrue();
			}
		}
	}

	@Test
	void aMessageThatSkipsASequenceEndsTheRoomsStreamsOnThatInstanceSoThatMembersResume() {
		try (ResumingMember ada = new ResumingMember("skipped", 1, "Ada")) {
			Channel toFirst = first.newChannel(TOKEN);
			ada.joinRetrying(toFirst, TIMEOUT);
			ada.send("one", "one");
			ada.follow(() -> toFirst, () -> ada.received().size() == 1, TIMEOUT);
			// As if messages 2 to 4 had been published while this instance was cut off from Redis.
			ChatMessage fifth = ada.received().get(0).toBuilder().setSequence(5).setClientMessageId("five").build();
			new org.springframework.data.redis.core.StringRedisTemplate(
					first.context().getBean(org.springframework.data.redis.connection.RedisConnectionFactory.class))
				.execute((org.springframework.data.redis.core.RedisCallback<Long>) (connection) -> connection
					.publish(RedisChatBroker.eventsChannel("skipped").getBytes(java.nio.charset.StandardCharsets.UTF_8),
							ChatResponse.newBuilder().setMessage(fifth).build().toByteArray()));
			Status status = ada.awaitEnd();
			assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(status.getDescription()).startsWith("chat broker connection lost");
			assertThat(ada.receivedClientMessageIds()).containsExactly("one");
		}
	}

	@Test
	void resumeFromFurtherBackThanTheStreamHoldsStartsWithAGapOfTheExactNumberLost() {
		try (ChatClient grace = ChatClient.open(second.newChannel(TOKEN));
				ChatClient ada = ChatClient.open(first.newChannel(TOKEN))) {
			grace.join("stream-gap", 2).awaitJoined();
			grace.send("first");
			ChatMessage firstMessage = grace.awaitMessages(1).get(0);
			int later = 700;
			for (int i = 0; i < later; i++) {
				grace.send("later " + i);
			}
			List<ChatMessage> laterMessages = grace.awaitMessages(later);
			ada.request(ChatRequest.newBuilder()
				.setJoin(JoinRoom.newBuilder()
					.setRoomId("stream-gap")
					.setUserId(1)
					.setResumeAfterMessageId(firstMessage.getMessageId())
					.setResumeAfterSequence(firstMessage.getSequence()))
				.build());
			Joined joined = ada.awaitJoined();
			long missed = ada.next().getGap().getDroppedCount();
			int replayed = (int) joined.getReplayedCount();
			System.out.println("redis history of 500 (MAXLEN ~): resume from 700 back gave a Gap of " + missed + " and "
					+ replayed + " replayed");
			// Redis trims whole stream nodes, so it keeps at least 500 and fewer than 600.
			assertThat(replayed).isBetween(500, 600);
			assertThat(missed).isEqualTo(later - replayed);
			assertThat(ada.awaitMessages(replayed)).isEqualTo(laterMessages.subList(later - replayed, later));
		}
	}

	@Test
	void aMessagePostedTwiceWithOneIdIsKeptAndPublishedOnce() {
		// What Lettuce does when a broken connection lost the answer to the post script.
		RedisChatBroker broker = first.context().getBean(RedisChatBroker.class);
		List<ChatResponse> received = new java.util.concurrent.CopyOnWriteArrayList<>();
		ChatBroker.Listener listener = received::add;
		broker.subscribe("twice", listener);
		try {
			ChatMessage message = ChatMessage.newBuilder().setMessageId("01HZY3V3Q8N6K6A1B2C3D4E5F6").setText("once").build();
			broker.post("twice", message);
			broker.post("twice", message);
			broker.post("twice", message.toBuilder().setMessageId("01HZY3V3Q8N6K6A1B2C3D4E5F7").build());
			org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
			assertThat(received).extracting((event) -> event.getMessage().getSequence()).containsExactly(1L, 2L);
			assertThat(broker.replay("twice", "01HZY3V3Q8N6K6A1B2C3D4E5F6", 1).orElseThrow().messages())
				.extracting(ChatMessage::getMessageId)
				.containsExactly("01HZY3V3Q8N6K6A1B2C3D4E5F7");
		}
		finally {
			broker.unsubscribe("twice", listener);
		}
	}

	@Test
	void presencesOfAnInstanceThatStopsRenewingThemExpire() {
		RedisChatBroker broker = first.context().getBean(RedisChatBroker.class);
		Member ghost = member(99, "Ghost");
		assertThat(broker.enter("ghosts", "dead-instance-1", ghost)).containsExactly(ghost);
		// Another instance's entry, never renewed: written as the dead instance left it.
		new org.springframework.data.redis.core.StringRedisTemplate(
				first.context().getBean(org.springframework.data.redis.connection.RedisConnectionFactory.class))
			.opsForZSet()
			.add(RedisChatBroker.membersKey("ghosts"), "dead-instance-2/98/Phantom", System.currentTimeMillis() + 300);
		assertThat(broker.enter("ghosts", "dead-instance-1", ghost)).extracting(Member::getUserId)
			.containsExactlyInAnyOrder(99L, 98L);
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> broker.enter("ghosts", "dead-instance-1", ghost).size() == 1);
		broker.leave("ghosts", "dead-instance-1");
	}

	private static Member member(long id, String name) {
		return Member.newBuilder().setUserId(id).setName(name).build();
	}

}
