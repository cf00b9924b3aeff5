package dev.grpcplatform.starter.limits;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link GrpcServerExecutor}'s bounded pool.
 */
class GrpcServerExecutorTests {

	private final GrpcServerExecutor holder = GrpcServerExecutor.bounded(8, Duration.ofMinutes(1));

	private final Executor executor = this.holder.getExecutor();

	@AfterEach
	void shutDown() {
		this.holder.destroy();
	}

	@Test
	void callsOneAfterTheOtherReuseAnIdleThreadInsteadOfStartingOneEach() throws Exception {
		GrpcServerExecutor large = GrpcServerExecutor.bounded(64, Duration.ofMinutes(1));
		Set<String> threads = ConcurrentHashMap.newKeySet();
		for (int i = 0; i < 200; i++) {
			CountDownLatch done = new CountDownLatch(1);
			large.getExecutor().execute(() -> {
				threads.add(Thread.currentThread().getName());
				done.countDown();
			});
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		}
		large.destroy();
		// The task after a finished one may come before that thread counts itself idle again (more
		// so on a busy machine), which starts another: a few threads, never one per task up to 64.
		assertThat(threads).hasSizeBetween(1, 8).allMatch((name) -> name.startsWith("grpc-exec-"));
	}

	@Test
	void busyThreadsMakeThePoolGrowUpToItsLimitAndFurtherTasksWaitForAFreeOne() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(20);
		for (int i = 0; i < 20; i++) {
			this.executor.execute(() -> {
				mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				running.decrementAndGet();
				done.countDown();
			});
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (running.get() < 8 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		Thread.sleep(200);
		assertThat(running).hasValue(8);
		release.countDown();
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(mostAtOnce).hasValue(8);
	}

	@Test
	void tasksAfterShutdownAreRejected() {
		this.holder.destroy();
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> this.executor.execute(() -> {
		}));
	}

}
