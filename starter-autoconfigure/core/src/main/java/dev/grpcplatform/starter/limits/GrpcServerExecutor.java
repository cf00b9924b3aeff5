package dev.grpcplatform.starter.limits;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;

/**
 * Executor that runs the gRPC server's handlers.
 *
 * <p>A holder rather than an {@link Executor} bean, so that it neither competes with the
 * application's own executors for injection nor makes Spring Boot back off its task executor.
 */
public final class GrpcServerExecutor implements DisposableBean {

	private final Executor executor;

	private GrpcServerExecutor(Executor executor) {
		this.executor = executor;
	}

	/**
	 * Returns the bounded pool of platform threads that the given settings describe.
	 * @param properties the executor settings ({@code platform.grpc.limits.executor.*})
	 * @return the executor
	 * @throws IllegalArgumentException if {@code max-threads} is not positive
	 */
	public static GrpcServerExecutor bounded(GrpcLimitsProperties.Executor properties) {
		Assert.isTrue(properties.getMaxThreads() > 0, "platform.grpc.limits.executor.max-threads must be positive");
		return bounded(properties.getMaxThreads(), properties.getKeepAlive());
	}

	/**
	 * Returns a pool of at most {@code maxThreads} platform threads named {@code grpc-exec-N}. A
	 * task runs on an idle thread if there is one; a new thread starts only when every thread is
	 * busy, so the pool holds as many threads as calls ran at once, not one per call up to
	 * {@code maxThreads}. Beyond {@code maxThreads} tasks queue. Idle threads end after
	 * {@code keepAlive}.
	 * @param maxThreads most threads at once
	 * @param keepAlive idle time before a thread ends
	 * @return the executor
	 */
	public static GrpcServerExecutor bounded(int maxThreads, Duration keepAlive) {
		return new GrpcServerExecutor(new HandlerPool(maxThreads, keepAlive));
	}

	/**
	 * Returns an executor that runs each task on a new virtual thread (Java 21 or later).
	 * @return the executor
	 */
	public static GrpcServerExecutor virtualThreads() {
		return new GrpcServerExecutor(new VirtualThreadTaskExecutor("grpc-vexec-"));
	}

	/**
	 * Returns a holder for an executor the application manages itself.
	 * @param executor the executor; not shut down by this holder
	 * @return the holder
	 */
	public static GrpcServerExecutor of(Executor executor) {
		return new GrpcServerExecutor(executor::execute);
	}

	/**
	 * Returns the executor.
	 * @return the executor
	 */
	public Executor getExecutor() {
		return this.executor;
	}

	@Override
	public void destroy() {
		if (this.executor instanceof ExecutorService service) {
			service.shutdown();
		}
	}

	/**
	 * A {@link ThreadPoolExecutor} that prefers an idle thread to a new one (as Tomcat's pool
	 * does). With core threads, a plain pool starts a thread for each task until it has
	 * {@code maxThreads}, even when all are idle: 1,000 calls one after the other left 200 threads
	 * (200 stacks) in an idle service. Here the pool has no core threads and its queue refuses a
	 * task while no thread is idle and the pool may still grow, which makes the pool start one.
	 */
	static final class HandlerPool extends ThreadPoolExecutor {

		// Tasks handed to the pool and not finished: more than the threads means none is idle.
		private final AtomicInteger submitted = new AtomicInteger();

		HandlerPool(int maxThreads, Duration keepAlive) {
			super(0, maxThreads, keepAlive.toMillis(), TimeUnit.MILLISECONDS, new HandlerQueue(),
					new CustomizableThreadFactory("grpc-exec-"), HandlerPool::enqueue);
			((HandlerQueue) getQueue()).pool = this;
		}

		@Override
		public void execute(Runnable task) {
			this.submitted.incrementAndGet();
			try {
				super.execute(task);
			}
			catch (RejectedExecutionException ex) {
				this.submitted.decrementAndGet();
				throw ex;
			}
		}

		@Override
		protected void afterExecute(Runnable task, @Nullable Throwable failure) {
			this.submitted.decrementAndGet();
		}

		// The queue refused the task, then the pool reached maxThreads before it could start a thread
		// for it: the task waits for one of those threads.
		private static void enqueue(Runnable task, ThreadPoolExecutor pool) {
			if (pool.isShutdown()) {
				throw new RejectedExecutionException("The gRPC handler executor is shut down");
			}
			((HandlerQueue) pool.getQueue()).force(task);
		}

	}

	/**
	 * The queue of {@link HandlerPool}: takes a task when a thread is idle or the pool is full.
	 */
	@SuppressWarnings("serial")
	static final class HandlerQueue extends LinkedBlockingQueue<Runnable> {

		// Set by the pool's constructor, which creates the queue before it exists.
		private transient HandlerPool pool;

		@Override
		public boolean offer(Runnable task) {
			int threads = this.pool.getPoolSize();
			if (threads >= this.pool.getMaximumPoolSize() || this.pool.submitted.get() <= threads) {
				return super.offer(task);
			}
			return false;
		}

		void force(Runnable task) {
			super.offer(task);
		}

	}

}
