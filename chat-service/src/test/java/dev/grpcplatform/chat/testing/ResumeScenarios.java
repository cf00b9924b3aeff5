package dev.grpcplatform.chat.testing;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resume scenarios that run the same on either broker.
 */
public final class ResumeScenarios {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private ResumeScenarios() {
	}

	/**
	 * Ada (user 1) sees 10 messages of Grace (user 2), loses her connection, misses 15, and joins
	 * again while Grace sends 40 more; prints and asserts that both received all 65 exactly once,
	 * in order, Ada 15 or more of them replayed.
	 * @param scenario what the line printed calls it
	 * @param roomId a room of this scenario alone
	 * @param ada Ada's channel before she loses her connection
	 * @param adaAgain Ada's channel when she joins again
	 * @param grace Grace's channel
	 */
	public static void memberReconnectsWhileAnotherSends(String scenario, String roomId, Channel ada, Channel adaAgain,
			Channel grace) {
		long start = System.nanoTime();
		try (ResumingMember adaMember = new ResumingMember(roomId, 1, "Ada");
				ResumingMember graceMember = new ResumingMember(roomId, 2, "Grace")) {
			adaMember.joinRetrying(ada, TIMEOUT);
			graceMember.joinRetrying(grace, TIMEOUT);
			for (int i = 0; i < 10; i++) {
				graceMember.send("before-" + i, "before " + i);
			}
			adaMember.follow(() -> ada, () -> adaMember.received().size() == 10, TIMEOUT);
			adaMember.disconnect();
			for (int i = 0; i < 15; i++) {
				graceMember.send("away-" + i, "away " + i);
			}
			graceMember.follow(() -> grace, () -> graceMember.received().size() == 25, TIMEOUT);
			// Grace goes on sending while Ada joins again: some of these are replayed, some live.
			CompletableFuture<Void> sending = CompletableFuture
				.runAsync(() -> graceMember.sendSteadily(() -> grace, "during", 40, Duration.ofMillis(2)));
			adaMember.joinRetrying(adaAgain, TIMEOUT);
			sending.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
			adaMember.follow(() -> adaAgain, () -> adaMember.receivedClientMessageIds().containsAll(graceMember.sent()),
					TIMEOUT);
			assertThat(adaMember.joins().get(1).getReplayedCount()).isGreaterThanOrEqualTo(15);
			ResumingMember.assertEachReceivedEveryMessageOnce(scenario, start, graceMember.sent(), adaMember,
					graceMember);
		}
	}

}
