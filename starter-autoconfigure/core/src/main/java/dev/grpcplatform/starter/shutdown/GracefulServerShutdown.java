package dev.grpcplatform.starter.shutdown;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.grpcplatform.starter.internal.GrpcServerLifecycleListener;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Shuts gRPC servers down so that no client sees a call fail without being told to retry.
 *
 * <p>The sequence: stop taking new calls (HTTP/2 GOAWAY, the listening socket closes), close the
 * calls of methods that never end by themselves, let the other calls in flight finish within the
 * grace period, close those still open with {@code UNAVAILABLE} and a description that tells the
 * client to retry elsewhere, and only then end the connections. A plain {@link Server#shutdownNow()}
 * would reset the open streams, which clients see as {@code CANCELLED} and do not retry.
 */
public class GracefulServerShutdown implements GrpcServerLifecycleListener {

	/**
	 * Status of the calls the shutdown closes.
	 */
	public static final Status SHUTTING_DOWN = Status.UNAVAILABLE
		.withDescription("Server is shutting down; retry on another instance");

	/**
	 * Time the closes of the open calls get to reach the clients before the connections end.
	 */
	private static final Duration CLOSE_FLUSH_TIMEOUT = Duration.ofSeconds(2);

	/**
	 * Time no call may be in flight before the servers count as drained.
	 */
	private static final Duration DRAIN_SETTLE_TIME = Duration.ofMillis(250);

	private static final long POLL_NANOS = Duration.ofMillis(50).toNanos();

	private static final Log logger = LogFactory.getLog(GracefulServerShutdown.class);

	private final InFlightCallTracker tracker;

	private final Duration gracePeriod;

	private final Set<String> closeImmediately;

	private final Set<Server> servers = new LinkedHashSet<>();

	/**
	 * Creates a new instance.
	 * @param tracker tracker of the calls in flight on the servers
	 * @param gracePeriod time calls in flight get to finish
	 * @param closeImmediately full method names or service names whose calls are closed as soon as
	 * shutdown begins
	 */
	public GracefulServerShutdown(InFlightCallTracker tracker, Duration gracePeriod, Set<String> closeImmediately) {
		this.tracker = tracker;
		this.gracePeriod = gracePeriod;
		this.closeImmediately = Set.copyOf(closeImmediately);
	}

	/**
	 * Registers a started server, to be shut down with the others.
	 * @param server the server
	 */
	@Override
	public void serverStarted(Server server) {
		synchronized (this.servers) {
			this.servers.add(server);
		}
	}

	/**
	 * Shuts down the given server together with every other registered server, and waits until
	 * they are terminated or the sequence is through. The servers stop in the same lifecycle phase
	 * anyway; stopping them together keeps the whole shutdown within one grace period.
	 * @param server the server to shut down
	 */
	public void shutdown(Server server) {
		shutdownStarted(server);
	}

	@Override
	public void shutdownStarted(Server server) {
		List<Server> running;
		synchronized (this.servers) {
			this.servers.add(server);
			running = new ArrayList<>(this.servers);
			this.servers.clear();
		}
		running.removeIf(Server::isTerminated);
		if (running.isEmpty()) {
			return;
		}
		try {
			shutdown(running);
		}
		catch (RuntimeException ex) {
			logger.error("Graceful shutdown of the gRPC server failed, ending it now", ex);
			running.forEach(Server::shutdownNow);
		}
	}

	private void shutdown(List<Server> running) {
		long deadline = System.nanoTime() + this.gracePeriod.toNanos();
		running.forEach(Server::shutdown);
		int inFlight = this.tracker.inFlight();
		int closedAtOnce = this.tracker.close(SHUTTING_DOWN, this::isClosedImmediately);
		logger.info("gRPC server shutting down: refusing new calls, " + (inFlight - closedAtOnce)
				+ " call(s) in flight get up to " + this.gracePeriod.toMillis() + "ms to finish"
				+ ((closedAtOnce > 0) ? ", closed " + closedAtOnce + " call(s) that never end by themselves" : ""));
		boolean interrupted = false;
		try {
			if (!awaitDrained(running, deadline)) {
				int closed = this.tracker.closeAll(SHUTTING_DOWN);
				if (closed > 0) {
					logger.warn("gRPC server shutdown: closed " + closed
							+ " call(s) still open after the grace period with UNAVAILABLE");
				}
				awaitTermination(running, System.nanoTime() + CLOSE_FLUSH_TIMEOUT.toNanos());
			}
		}
		catch (InterruptedException ex) {
			interrupted = true;
			this.tracker.closeAll(SHUTTING_DOWN);
		}
		finally {
			running.forEach(Server::shutdownNow);
			this.tracker.reset();
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private boolean isClosedImmediately(MethodDescriptor<?, ?> method) {
		return this.closeImmediately.contains(method.getFullMethodName())
				|| this.closeImmediately.contains(method.getServiceName());
	}

	/**
	 * Waits until the servers are terminated, or until no call has been in flight for a moment.
	 * The latter matters because a transport can outlive every call: grpc-java keeps the HTTP/2
	 * stream of a request it rejected (an oversized message, say) open until the client finishes
	 * sending, and server termination would wait the whole grace period for it.
	 */
	private boolean awaitDrained(List<Server> servers, long deadline) throws InterruptedException {
		long idleSince = -1;
		while (true) {
			Server pending = servers.stream().filter((server) -> !server.isTerminated()).findFirst().orElse(null);
			if (pending == null) {
				return true;
			}
			long now = System.nanoTime();
			if (this.tracker.inFlight() > 0) {
				idleSince = -1;
			}
			else if (idleSince < 0) {
				idleSince = now;
			}
			else if (now - idleSince >= DRAIN_SETTLE_TIME.toNanos()) {
				return true;
			}
			if (now >= deadline) {
				return false;
			}
			pending.awaitTermination(Math.min(POLL_NANOS, deadline - now), TimeUnit.NANOSECONDS);
		}
	}

	private static boolean awaitTermination(List<Server> servers, long deadline) throws InterruptedException {
		for (Server server : servers) {
			long remaining = Math.max(deadline - System.nanoTime(), 0);
			if (!server.awaitTermination(remaining, TimeUnit.NANOSECONDS)) {
				return false;
			}
		}
		return true;
	}

}
