package dev.grpcplatform.chat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.springframework.util.FileSystemUtils;

/**
 * A real redis-server (the Debian package, which {@code .ci/run} installs) on a free loopback port,
 * without persistence unless asked for, run by the test.
 */
public final class RedisServer implements AutoCloseable {

	private static final Path BINARY = Path.of("/usr/bin/redis-server");

	private final int port;

	private final Path directory;

	private final boolean persistent;

	private Process process;

	private RedisServer(int port, Path directory, boolean persistent) {
		this.port = port;
		this.directory = directory;
		this.persistent = persistent;
	}

	/**
	 * Starts a server and waits until it accepts connections.
	 * @return the running server
	 * @throws IllegalStateException if redis-server is not installed or does not start
	 */
	public static RedisServer start() {
		return start(false);
	}

	/**
	 * Starts a server that keeps its data in an append-only file (fsync at every write), so that
	 * {@link #restart()} finds it again, and waits until it accepts connections.
	 * @return the running server
	 */
	public static RedisServer startPersistent() {
		return start(true);
	}

	private static RedisServer start(boolean persistent) {
		if (!Files.isExecutable(BINARY)) {
			throw new IllegalStateException(BINARY + " is missing: install the Debian package redis-server "
					+ "(apt-get install -y redis-server; .ci/run does so)");
		}
		try {
			RedisServer server = new RedisServer(freePort(), Files.createTempDirectory("chat-service-redis"),
					persistent);
			server.launch();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void launch() {
		try {
			this.process = new ProcessBuilder(List.of(BINARY.toString(), "--port", Integer.toString(this.port), "--bind",
					"127.0.0.1", "--save", "", "--appendonly", this.persistent ? "yes" : "no", "--appendfsync", "always",
					"--dir", this.directory.toString()))
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.directory.resolve("redis.log").toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		awaitAccepting(Duration.ofSeconds(20));
	}

	/**
	 * Stops the server (SIGTERM, as a restart does), keeping its data directory.
	 */
	public void stop() {
		if (this.process.isAlive()) {
			this.process.destroy();
			try {
				if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				this.process.destroyForcibly();
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Starts the server again after {@link #stop()}, on the same port and data directory.
	 */
	public void restart() {
		stop();
		launch();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private void awaitAccepting(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("redis-server exited with " + this.process.exitValue() + ", see "
						+ this.directory.resolve("redis.log"));
			}
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
				return;
			}
			catch (IOException ex) {
				sleep(50);
			}
		}
		close();
		throw new IllegalStateException("redis-server did not accept connections within " + timeout);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	public int port() {
		return this.port;
	}

	/**
	 * Returns the properties that point chat-service at this server with the redis broker.
	 * @return {@code key=value} properties
	 */
	public String[] brokerProperties() {
		return new String[] { "chat.broker.type=redis", "spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=" + this.port };
	}

	@Override
	public void close() {
		stop();
		FileSystemUtils.deleteRecursively(this.directory.toFile());
	}

}
