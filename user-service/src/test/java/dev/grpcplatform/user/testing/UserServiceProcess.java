package dev.grpcplatform.user.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.grpcplatform.user.UserServiceApplication;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * user-service in a JVM process of its own, as {@code java -jar} runs it under the {@code dev}
 * profile (with this build's class path instead of the jar, so it runs on whichever Spring Boot line
 * the build uses), on a fixed gRPC port of loopback so that it can be stopped with SIGTERM and started
 * again at the same address.
 */
public final class UserServiceProcess implements AutoCloseable {

	private final String name;

	private final int grpcPort;

	private final String[] properties;

	private final Path log;

	private Process process;

	private UserServiceProcess(String name, int grpcPort, Path log, String[] properties) {
		this.name = name;
		this.grpcPort = grpcPort;
		this.log = log;
		this.properties = properties;
	}

	/**
	 * Returns a process, not started yet, on a free gRPC port.
	 * @param name name used in messages and for its log file
	 * @param properties properties ({@code key=value}) added to the defaults
	 * @return the process
	 */
	public static UserServiceProcess create(String name, String... properties) {
		try (ServerSocket socket = new ServerSocket(0)) {
			Path log = Files.createTempFile("user-service-" + name + "-", ".log");
			return new UserServiceProcess(name, socket.getLocalPort(), log, properties);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Returns the gRPC port, the same across restarts.
	 * @return the port
	 */
	public int grpcPort() {
		return this.grpcPort;
	}

	/**
	 * Starts the process and waits until gRPC health reports it SERVING.
	 * @param timeout longest wait
	 * @throws IllegalStateException if it ends or is not SERVING in time
	 */
	public void startAndAwaitServing(Duration timeout) {
		if (this.process != null && this.process.isAlive()) {
			throw new IllegalStateException(this.name + " is running");
		}
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
				UserServiceApplication.class.getName(), "--spring.profiles.active=dev",
				"--grpc.server.address=127.0.0.1", "--grpc.server.port=" + this.grpcPort,
				"--spring.grpc.server.address=127.0.0.1", "--spring.grpc.server.port=" + this.grpcPort,
				"--server.port=0", "--server.address=127.0.0.1", "--management.server.port=0",
				"--management.server.address=127.0.0.1"));
		for (String property : this.properties) {
			command.add("--" + property);
		}
		try {
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		awaitServing(timeout);
	}

	private void awaitServing(Duration timeout) {
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", this.grpcPort).usePlaintext().build();
		try {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (System.nanoTime() < deadline) {
				if (!this.process.isAlive()) {
					throw new IllegalStateException(this.name + " ended with exit code " + this.process.exitValue()
							+ " before it was SERVING; its log: " + this.log);
				}
				try {
					HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
						.withDeadlineAfter(2, TimeUnit.SECONDS)
						.check(HealthCheckRequest.getDefaultInstance());
					if (response.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
						return;
					}
				}
				catch (StatusRuntimeException ex) {
					// not listening yet
				}
				Thread.sleep(200);
			}
			throw new IllegalStateException(this.name + " was not SERVING within " + timeout + "; its log: " + this.log);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		finally {
			channel.shutdownNow();
		}
	}

	/**
	 * Sends the process SIGTERM and waits until it has ended.
	 * @param timeout longest wait
	 * @return the exit code
	 * @throws IllegalStateException if it is still running after the timeout
	 */
	public int terminate(Duration timeout) {
		// Process.destroy() is SIGTERM on Linux: the JVM runs its shutdown hooks, Spring its graceful stop.
		this.process.destroy();
		try {
			if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException(this.name + " still runs " + timeout + " after SIGTERM; its log: " + this.log);
			}
			return this.process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Returns what the process has logged so far.
	 * @return the log
	 */
	public String log() {
		try {
			return Files.readString(this.log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public String toString() {
		return "user-service " + this.name;
	}

	@Override
	public void close() {
		if (this.process != null && this.process.isAlive()) {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		try {
			Files.deleteIfExists(this.log);
		}
		catch (IOException ex) {
			// a temporary file left behind
		}
	}

}
