package dev.grpcplatform.starter.limits;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The scheduler of the deadlines {@link GrpcDeadlinePolicy} sets, for
 * {@code Context.withDeadline}: Netty's hashed wheel timer, ticking every {@value #TICK_MILLIS} ms.
 *
 * <p>Setting and cancelling a deadline costs one lock-free queue insert each and never wakes a
 * thread. A {@code ScheduledThreadPoolExecutor} takes a lock for both and signals its thread whenever
 * a new deadline becomes the earliest one, which is every call while calls come one after another (an
 * empty queue): that wake-up cost 4.5 µs of CPU per HTTP/JSON call. The price is precision: a
 * deadline fires up to one tick late, which is little against server deadlines of seconds (a caller's
 * own deadline is enforced by grpc-java, exactly).
 *
 * <p>Only what {@code io.grpc.Context} uses is supported: {@link #schedule(Runnable, long, TimeUnit)}
 * and cancelling the future it returns ({@link #execute(Runnable)} schedules with no delay).
 */
final class DeadlineScheduler extends AbstractExecutorService implements ScheduledExecutorService {

	static final long TICK_MILLIS = 100;

	private final HashedWheelTimer timer;

	private volatile boolean shutdown;

	DeadlineScheduler(String threadNamePrefix) {
		CustomizableThreadFactory threads = new CustomizableThreadFactory(threadNamePrefix);
		threads.setDaemon(true);
		// The worker starts with the first deadline; 512 ticks make one turn of 51.2 s. Idle, it wakes 10
		// times a second (about 1 ms of CPU per second on this project's machine).
		this.timer = new HashedWheelTimer(threads, TICK_MILLIS, TimeUnit.MILLISECONDS, 512);
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
		if (this.shutdown) {
			throw new RejectedExecutionException("The deadline scheduler is shut down");
		}
		Deadline deadline = new Deadline(command, System.nanoTime() + unit.toNanos(delay));
		deadline.timeout = this.timer.newTimeout(deadline, delay, unit);
		return deadline;
	}

	@Override
	public void execute(Runnable command) {
		schedule(command, 0, TimeUnit.NANOSECONDS);
	}

	@Override
	public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
		throw new UnsupportedOperationException("Only deadlines (a Runnable once) are scheduled here");
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
		throw new UnsupportedOperationException("Only deadlines (a Runnable once) are scheduled here");
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
		throw new UnsupportedOperationException("Only deadlines (a Runnable once) are scheduled here");
	}

	@Override
	public void shutdown() {
		this.shutdown = true;
		this.timer.stop();
	}

	@Override
	public List<Runnable> shutdownNow() {
		shutdown();
		return Collections.emptyList();
	}

	@Override
	public boolean isShutdown() {
		return this.shutdown;
	}

	@Override
	public boolean isTerminated() {
		return this.shutdown;
	}

	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) {
		return this.shutdown;
	}

	/**
	 * One scheduled deadline: the wheel's task and the future {@code Context} cancels.
	 */
	private static final class Deadline implements TimerTask, ScheduledFuture<Object> {

		private final Runnable command;

		private final long dueNanos;

		private volatile Timeout timeout;

		Deadline(Runnable command, long dueNanos) {
			this.command = command;
			this.dueNanos = dueNanos;
		}

		@Override
		public void run(Timeout timeout) {
			this.command.run();
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			return this.timeout.cancel();
		}

		@Override
		public boolean isCancelled() {
			return this.timeout.isCancelled();
		}

		@Override
		public boolean isDone() {
			return this.timeout.isExpired() || this.timeout.isCancelled();
		}

		@Override
		public Object get() throws ExecutionException {
			throw new UnsupportedOperationException("A deadline has no result to wait for");
		}

		@Override
		public Object get(long timeout, TimeUnit unit) throws ExecutionException {
			throw new UnsupportedOperationException("A deadline has no result to wait for");
		}

		@Override
		public long getDelay(TimeUnit unit) {
			return unit.convert(this.dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
		}

		@Override
		public int compareTo(Delayed other) {
			return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
		}

	}

}
