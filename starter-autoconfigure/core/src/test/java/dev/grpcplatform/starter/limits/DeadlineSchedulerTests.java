package dev.grpcplatform.starter.limits;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link DeadlineScheduler}, as {@code io.grpc.Context} uses it.
 */
class DeadlineSchedulerTests {

	private final DeadlineScheduler scheduler = new DeadlineScheduler("test-deadline-");

	@AfterEach
	void shutDown() {
		this.scheduler.shutdownNow();
	}

	@Test
	void contextIsCancelledWhenItsDeadlinePassesOnTheSchedulersThread() throws Exception {
		AtomicReference<String> thread = new AtomicReference<>();
		CountDownLatch cancelled = new CountDownLatch(1);
		long start = System.nanoTime();
		Context.CancellableContext context = Context.ROOT.withDeadlineAfter(100, TimeUnit.MILLISECONDS,
				this.scheduler);
		context.addListener((ignored) -> {
			thread.set(Thread.currentThread().getName());
			cancelled.countDown();
		}, Runnable::run);
		assertThat(cancelled.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(100);
		assertThat(context.cancellationCause()).isInstanceOf(TimeoutException.class);
		assertThat(thread.get()).startsWith("test-deadline-");
	}

	@Test
	void cancelledDeadlineNeverRuns() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		ScheduledFuture<?> first = this.scheduler.schedule(() -> {
			runs.incrementAndGet();
		}, 50, TimeUnit.MILLISECONDS);
		CountDownLatch second = new CountDownLatch(1);
		this.scheduler.schedule(second::countDown, 150, TimeUnit.MILLISECONDS);
		assertThat(first.cancel(false)).isTrue();
		assertThat(first.isCancelled()).isTrue();
		assertThat(first.isDone()).isTrue();
		assertThat(second.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(runs).hasValue(0);
	}

	@Test
	void reportsTheRemainingDelay() {
		ScheduledFuture<?> future = this.scheduler.schedule(() -> {
		}, 10, TimeUnit.SECONDS);
		assertThat(future.getDelay(TimeUnit.MILLISECONDS)).isBetween(9_000L, 10_000L);
		assertThat(future.isDone()).isFalse();
		future.cancel(false);
	}

	@Test
	void refusesDeadlinesOnceShutDown() {
		this.scheduler.shutdown();
		assertThat(this.scheduler.isShutdown()).isTrue();
		assertThatExceptionOfType(RejectedExecutionException.class)
			.isThrownBy(() -> this.scheduler.schedule(() -> {
			}, 1, TimeUnit.SECONDS))
			.withMessage("The deadline scheduler is shut down");
	}

	@Test
	void refusesWhatIsNoDeadline() {
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> this.scheduler.scheduleAtFixedRate(() -> {
			}, 1, 1, TimeUnit.SECONDS));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> this.scheduler.schedule(() -> "value", 1, TimeUnit.SECONDS));
	}

}
