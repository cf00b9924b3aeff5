package dev.grpcplatform.chat.broker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import dev.grpcplatform.chat.testing.ChatClient;
import dev.grpcplatform.chat.testing.ChatServiceUnderTest;
import dev.grpcplatform.chat.testing.FakeUserService;
import dev.grpcplatform.chat.testing.RedisServer;
import dev.grpcplatform.proto.chat.v1.ChatMessage;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.Member;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.security.DevelopmentTokens;
import io.grpc.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two chat-service instances that share rooms through one real redis-server.
 */
class RedisBrokerIntegrationTests {

	private static final String TOKEN = DevelopmentTokens.mint("chat-client", "chat:write", "users:read");

	private static RedisServer redis;

	private static FakeUserService users;

	private static RunningGrpcApplication first;

	private static RunningGrpcApplication second;

	@BeforeAll
	static void start() {
		redis = RedisServer.start();
		users = FakeUserService.start().user(1, "Ada").user(2, "Grace").user(3, "Linus").user(4, "Ken");
		first = ChatServiceUnderTest.start(properties());
		second = ChatServiceUnderTest.start(properties());
	}

	private static String[] properties(String... more) {
		List<String> properties = new java.util.ArrayList<>(List.of(redis.brokerProperties()));
		properties.add(users.addressProperty());
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
	void joinsAndMessagesFailWithUnavailableWhileRedisIsDown() {
		RedisServer ownRedis = RedisServer.start();
		List<String> properties = new java.util.ArrayList<>(List.of(ownRedis.brokerProperties()));
		properties.add(users.addressProperty());
		try (RunningGrpcApplication isolated = ChatServiceUnderTest.start(properties.toArray(String[]::new));
				ChatClient ada = ChatClient.open(isolated.newChannel(TOKEN))) {
			ada.join("outage", 1).awaitJoined();
			ownRedis.close();
			ada.send("lost");
			Status sendStatus = ada.awaitStatus();
			assertThat(sendStatus.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(sendStatus.getDescription()).isEqualTo("chat broker unavailable; retry later");
			try (ChatClient grace = ChatClient.open(isolated.newChannel(TOKEN))) {
				grace.join("outage-too", 2);
				Status joinStatus = grace.awaitStatus();
				assertThat(joinStatus.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
				assertThat(joinStatus.getDescription()).isEqualTo("chat broker unavailable; retry later");
			}
		}
		finally {
			ownRedis.close();
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
