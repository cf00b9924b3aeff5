package dev.grpcplatform.starter.limits;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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
	 * Returns a pool of at most {@code maxThreads} platform threads named {@code grpc-exec-N};
	 * idle threads end after {@code keepAlive}.
	 * @param maxThreads most threads at once
	 * @param keepAlive idle time before a thread ends
	 * @return the executor
	 */
	public static GrpcServerExecutor bounded(int maxThreads, Duration keepAlive) {
		ThreadPoolExecutor pool = new ThreadPoolExecutor(maxThreads, maxThreads, keepAlive.toMillis(),
				TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), new CustomizableThreadFactory("grpc-exec-"));
		pool.allowCoreThreadTimeOut(true);
		return new GrpcServerExecutor(pool);
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

}
