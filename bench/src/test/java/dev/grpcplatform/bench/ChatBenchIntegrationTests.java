package dev.grpcplatform.bench;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.grpcplatform.proto.chat.v1.ChatMessage;
import dev.grpcplatform.proto.chat.v1.ChatRequest;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.ChatServiceGrpc;
import dev.grpcplatform.proto.chat.v1.Joined;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Runs the chat benchmark in quick mode against the packaged chat-service (memory broker, and two
 * instances over a real redis-server) and the bare grpc-java chat server: every member receives
 * every message exactly once and in order, and the idle streams are measured. No number is judged.
 */
class ChatBenchIntegrationTests {

	@Test
	void quickModeDeliversEveryMessageToEveryMemberOnceAndInOrder(@TempDir Path results) throws Exception {
		// Under target/, so that the servers' logs outlive a failed test.
		Path logs = Path.of("target", "chat-bench-logs-test");
		ChatBenchOptions options = ChatBenchOptions.parse("--quick", "--results-dir", results.toString(), "--log-dir",
				logs.toString(), "--chat-service-jar", System.getProperty("chat-service.jar",
						"../chat-service/target/chat-service-0.1.0-SNAPSHOT.jar"));
		ChatBench.Run run = new ChatBench(options).run("--quick");

		assertThat(run.deliveredEverything()).isTrue();
		assertThat(run.results().deliveries()).extracting(ChatBenchResults.Delivery::variant)
			.containsExactly("bare", "memory", "redis");
		assertThat(run.results().deliveries()).allSatisfy((delivery) -> {
			assertThat(delivery.members()).isEqualTo(50);
			assertThat(delivery.messages()).as("%s messages", delivery.variant()).isGreaterThan(20);
			assertThat(delivery.violations()).as("%s: %s", delivery.variant(), delivery.firstViolation()).isZero();
			assertThat(delivery.received()).isEqualTo(delivery.members() * delivery.messages());
		});
		assertThat(run.results().summaries()).hasSize(3).allSatisfy((summary) -> {
			assertThat(summary.deliveriesPerSecond()).isPositive();
			assertThat(summary.p99Millis()).isPositive();
			assertThat(summary.cpuMicrosPerDelivery()).isPositive();
		});
		assertThat(run.results().capacities()).extracting(ChatBenchResults.Capacity::variant)
			.containsExactly("bare", "memory");
		assertThat(run.results().capacities()).allSatisfy((capacity) -> {
			assertThat(capacity.streams()).isEqualTo(500);
			// 500 streams at 190 per connection, as chat-service allows 200 calls per connection.
			assertThat(capacity.connections()).isEqualTo(3);
			assertThat(capacity.heapAfter()).isGreaterThan(capacity.heapBefore());
			assertThat(capacity.joinMillis()).hasSize(3).allSatisfy((millis) -> assertThat(millis).isPositive());
		});
		String markdown = Files.readString(run.markdown());
		assertThat(markdown).contains("| memory (chat-service, memory broker, 1 instance) |")
			.contains("| redis (chat-service, redis broker, 2 instances) |")
			.contains("each received exactly once and in order");
		assertThat(run.markdown().resolveSibling(run.markdown().getFileName().toString().replace(".md", ".json")))
			.exists();
		// chat-service authenticated every stream with the development token and looked its members
		// up with it; the token is never logged.
		for (String instance : List.of("chat-memory", "chat-redis-1", "chat-redis-2")) {
			assertThat(Files.readString(logs.resolve(instance + ".log"))).as(instance)
				.contains("method=platform.chat.v1.ChatService/Chat status=")
				.contains("principal=chat-bench")
				.doesNotContain("Bearer")
				.doesNotContain("status=UNAUTHENTICATED")
				.doesNotContain("status=PERMISSION_DENIED");
		}
		assertThat(run.results().settings()).containsEntry("userLookupsRefused", 0L);
	}

	@Test
	void aMessageReceivedTwiceOrMissedIsReportedWithTheMember() throws Exception {
		Server faulty = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
			.addService(new DuplicatingChatService())
			.build()
			.start();
		try (ChatMembers members = new ChatMembers("token", 190)) {
			List<ChatMembers.Stream> streams = members.joinAll(1, 1,
					(i) -> new ChatMembers.Seat(faulty.getPort(), "room", 7), Duration.ofSeconds(20));
			ChatMembers.Stream member = streams.get(0);
			member.send(1, System.nanoTime(), "hello");
			member.send(2, System.nanoTime(), "again");
			member.send(4, System.nanoTime(), "skipped 3");
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			while (member.violations() < 2 && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			assertThat(member.violations()).isEqualTo(2);
			assertThat(member.firstViolation()).isEqualTo("user 7: message 1 again or out of order after 1");
			assertThat(member.lastSeq()).isEqualTo(4);
		}
		finally {
			faulty.shutdownNow();
		}
	}

	@Test
	void optionsOutsideTheirRangeAreRejectedWithTheUsage() {
		assertThatIllegalArgumentException().isThrownBy(() -> ChatBenchOptions.parse("--members", "1"))
			.withMessageContaining("--members must be at least 2");
		assertThatIllegalArgumentException().isThrownBy(() -> ChatBenchOptions.parse("--variants", "memory"))
			.withMessageContaining("baseline");
		assertThatIllegalArgumentException().isThrownBy(() -> ChatBenchOptions.parse("--variants", "bare,kafka"))
			.withMessageContaining("unknown 'kafka'");
		assertThatIllegalArgumentException().isThrownBy(() -> ChatBenchOptions.parse("--rate"))
			.withMessageContaining("--rate needs a value");
		assertThatIllegalArgumentException().isThrownBy(() -> ChatBenchOptions.parse("--fast"))
			.withMessageContaining("Unknown option '--fast'");
		assertThat(ChatBenchOptions.parse("--variants", "redis,bare").variants).containsExactly("bare", "redis");
	}

	/**
	 * A chat server that sends the first message of a stream twice and drops the third.
	 */
	private static final class DuplicatingChatService extends ChatServiceGrpc.ChatServiceImplBase {

		@Override
		public StreamObserver<ChatRequest> chat(StreamObserver<ChatResponse> responses) {
			return new StreamObserver<>() {

				private int sends;

				@Override
				public void onNext(ChatRequest request) {
					if (request.hasJoin()) {
						responses.onNext(ChatResponse.newBuilder()
							.setJoined(Joined.newBuilder().setRoomId(request.getJoin().getRoomId()))
							.build());
						return;
					}
					ChatResponse message = ChatResponse.newBuilder()
						.setMessage(ChatMessage.newBuilder().setClientMessageId(request.getSend().getClientMessageId()))
						.build();
					this.sends++;
					responses.onNext(message);
					if (this.sends == 1) {
						responses.onNext(message);
					}
				}

				@Override
				public void onError(Throwable t) {
				}

				@Override
				public void onCompleted() {
					responses.onCompleted();
				}

			};
		}

	}

}
