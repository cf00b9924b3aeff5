package dev.grpcplatform.chat.room;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.grpcplatform.chat.testing.ChatClient;
import dev.grpcplatform.chat.testing.ChatServiceUnderTest;
import dev.grpcplatform.chat.testing.FakeUserService;
import dev.grpcplatform.proto.chat.v1.ChatMessage;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.security.DevelopmentTokens;
import io.grpc.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A member that never reads, in a room where two others talk at full pace: the others get every
 * message, the server holds at most the configured number of events for the slow one, and the
 * configured policy applies to it.
 */
class SlowMemberIntegrationTests {

	private static final String TOKEN = DevelopmentTokens.mint("chat-client", "chat:write", "users:read");

	private static final int CAPACITY = 128;

	/**
	 * Most messages the sender has sent and not yet seen come back, as a chat client that keeps up
	 * with its room does: unbounded, it would send faster than anyone can read (its own messages
	 * included) and make every member a slow one.
	 */
	private static final int SENDER_WINDOW = 16;

	private static final int MESSAGES = 1000;

	/**
	 * About 4 KB per message, the contract's largest, so that the transport's buffers fill fast.
	 */
	private static final String PADDING = " " + "x".repeat(3990);

	private static FakeUserService users;

	@BeforeAll
	static void startUsers() {
		users = FakeUserService.start().user(1, "Ada").user(2, "Grace").user(3, "Ken");
	}

	@AfterAll
	static void stopUsers() {
		users.close();
	}

	@Test
	void dropOldestKeepsTheSlowMembersQueueBoundedAndTellsItWithGapsHowManyItMissed() {
		try (RunningGrpcApplication chat = start("drop-oldest");
				ChatClient ada = ChatClient.open(chat.newChannel(TOKEN));
				ChatClient grace = ChatClient.open(chat.newChannel(TOKEN))) {
			ada.join("slow", 1).awaitJoined();
			grace.join("slow", 2).awaitJoined();
			ada.next(ChatResponse::hasMemberJoined);
			long baseline = talk(ada, List.of(ada, grace), 0);

			ChatClient ken = ChatClient.openNotReading(chat.newChannel(TOKEN, ChatServiceUnderTest::smallFlowControlWindow));
			ken.join("slow", 3);
			ada.next(ChatResponse::hasMemberJoined);
			grace.next(ChatResponse::hasMemberJoined);
			long withSlowMember = talk(ada, List.of(ada, grace), MESSAGES);
			System.out.printf("Fan-out of %d messages of 4 KB to 2 reading members: %d ms alone, %d ms while a third "
					+ "member never reads (%.0f messages/s per member)%n", MESSAGES, baseline, withSlowMember,
					MESSAGES * 1000.0 / withSlowMember);

			MemberOutbox kensOutbox = rooms(chat).outboxes("slow").get(3L);
			assertThat(kensOutbox.maxQueued()).isEqualTo(CAPACITY);
			assertThat(kensOutbox.queued()).isLessThanOrEqualTo(CAPACITY);
			assertThat(kensOutbox.droppedTotal()).isGreaterThan(MESSAGES / 2);
			System.out.printf("Slow member: at most %d events queued on the server (capacity %d), %d dropped%n",
					kensOutbox.maxQueued(), CAPACITY, kensOutbox.droppedTotal());

			// Once it reads, it sees every message it was not told it missed.
			ken.read();
			assertThat(ken.awaitJoined().getMembersCount()).isEqualTo(3);
			long received = 0;
			long dropped = 0;
			int lastIndex = -1;
			while (lastIndex < 2 * MESSAGES - 1) {
				ChatResponse response = ken.next();
				if (response.hasGap()) {
					dropped += response.getGap().getDroppedCount();
				}
				else if (response.hasMessage()) {
					int index = index(response.getMessage());
					assertThat(index).isGreaterThan(lastIndex);
					lastIndex = index;
					received++;
				}
			}
			assertThat(received + dropped).isEqualTo(MESSAGES);
			assertThat(dropped).isEqualTo(kensOutbox.droppedTotal());
			ken.cancel();
		}
	}

	@Test
	void disconnectEndsTheSlowMembersStreamWithResourceExhaustedAndTheOthersSeeItLeave() {
		try (RunningGrpcApplication chat = start("disconnect");
				ChatClient ada = ChatClient.open(chat.newChannel(TOKEN));
				ChatClient grace = ChatClient.open(chat.newChannel(TOKEN));
				ChatClient ken = ChatClient.openNotReading(chat.newChannel(TOKEN, ChatServiceUnderTest::smallFlowControlWindow))) {
			ada.join("slow", 1).awaitJoined();
			grace.join("slow", 2).awaitJoined();
			ken.join("slow", 3);
			await().atMost(ChatClient.TIMEOUT).until(() -> rooms(chat).outboxes("slow").containsKey(3L));
			MemberOutbox kensOutbox = rooms(chat).outboxes("slow").get(3L);

			List<ChatResponse> membershipEvents = new ArrayList<>();
			talk(ada, List.of(ada, grace), 0, membershipEvents);

			assertThat(kensOutbox.maxQueued()).isLessThanOrEqualTo(CAPACITY);
			ChatResponse left = membershipEvents.stream()
				.filter(ChatResponse::hasMemberLeft)
				.findFirst()
				.orElseGet(() -> ada.next(ChatResponse::hasMemberLeft));
			assertThat(left.getMemberLeft().getMember().getUserId()).isEqualTo(3);
			await().atMost(Duration.ofSeconds(10)).until(() -> !rooms(chat).outboxes("slow").containsKey(3L));

			// What the transport held reaches it, then the end of its stream.
			ken.read();
			assertThat(ken.awaitJoined().getMembersCount()).isEqualTo(3);
			Status status = ken.awaitStatus();
			assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
			assertThat(status.getDescription()).startsWith("member reads too slowly");
			assertThat(ken.drainReceived()).noneMatch(ChatResponse::hasGap);
		}
	}

	private static RunningGrpcApplication start(String overflow) {
		return ChatServiceUnderTest.start(users.addressProperty(), "chat.rooms.queue-capacity=" + CAPACITY,
				"chat.rooms.overflow=" + overflow);
	}

	/**
	 * Sends the messages from one member, at the pace the room echoes them to it, and waits until
	 * each reader has all of them, in order and without a gap.
	 * @return milliseconds from the first send to the last message read
	 */
	private static long talk(ChatClient sender, List<ChatClient> readers, int firstIndex) {
		return talk(sender, readers, firstIndex, new ArrayList<>());
	}

	/**
	 * Like {@link #talk(ChatClient, List, int)}, collecting the membership events the first reader
	 * gets meanwhile.
	 */
	private static long talk(ChatClient sender, List<ChatClient> readers, int firstIndex,
			List<ChatResponse> membershipEvents) {
		long start = System.nanoTime();
		List<Integer> echoed = new ArrayList<>(MESSAGES);
		int sent = 0;
		while (echoed.size() < MESSAGES) {
			while (sent < MESSAGES && sent - echoed.size() < SENDER_WINDOW) {
				sender.send((firstIndex + sent) + PADDING);
				sent++;
			}
			readNext(sender, echoed, (sender == readers.get(0)) ? membershipEvents : new ArrayList<>());
		}
		assertInOrder(echoed, firstIndex);
		for (ChatClient reader : readers) {
			if (reader != sender) {
				List<Integer> indexes = new ArrayList<>(MESSAGES);
				while (indexes.size() < MESSAGES) {
					readNext(reader, indexes, (reader == readers.get(0)) ? membershipEvents : new ArrayList<>());
				}
				assertInOrder(indexes, firstIndex);
			}
		}
		return Duration.ofNanos(System.nanoTime() - start).toMillis();
	}

	private static void readNext(ChatClient reader, List<Integer> indexes, List<ChatResponse> membershipEvents) {
		ChatResponse response = reader.next();
		if (response.hasMemberJoined() || response.hasMemberLeft()) {
			membershipEvents.add(response);
			return;
		}
		assertThat(response.hasGap()).as("a reading member gets no gap").isFalse();
		indexes.add(index(response.getMessage()));
	}

	private static void assertInOrder(List<Integer> indexes, int firstIndex) {
		for (int i = 0; i < MESSAGES; i++) {
			assertThat(indexes.get(i)).isEqualTo(firstIndex + i);
		}
	}

	private static int index(ChatMessage message) {
		return Integer.parseInt(message.getText().substring(0, message.getText().indexOf(' ')));
	}

	private static ChatRooms rooms(RunningGrpcApplication chat) {
		return chat.context().getBean(ChatRooms.class);
	}

}
