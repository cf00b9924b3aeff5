package dev.grpcplatform.chat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.grpcplatform.starter.client.BearerTokenClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import org.springframework.util.FileSystemUtils;

/**
 * The real user-service, its jar run with {@code java -jar} under the {@code dev} profile in a JVM
 * of its own (with its embedded PostgreSQL in a temporary directory), on a free gRPC port.
 */
public final class UserServiceProcess implements AutoCloseable {

	private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);

	private final Process process;

	private final int port;

	private final Path directory;

	private final ManagedChannel channel;

	private UserServiceProcess(Process process, int port, Path directory, String token) {
		this.process = process;
		this.port = port;
		this.directory = directory;
		this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
			.usePlaintext()
			.intercept(BearerTokenClientInterceptor.of(token))
			.build();
	}

	/**
	 * Starts user-service and waits until its gRPC health is SERVING.
	 * @param token token of the calls on {@link #channel()}
	 * @return the running service
	 * @throws IllegalStateException if the jar was not built or the service does not start
	 */
	public static UserServiceProcess start(String token) {
		Path jar = Path.of(System.getProperty("user-service.jar", "../user-service/target/user-service.jar"));
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(jar + " is missing: build user-service first (./mvnw -pl chat-service -am verify)");
		}
		try {
			int port;
			try (ServerSocket socket = new ServerSocket(0)) {
				port = socket.getLocalPort();
			}
			Path directory = Files.createTempDirectory("chat-service-user-service");
			Path java = Path.of(System.getProperty("java.home"), "bin", "java");
			Process process = new ProcessBuilder(List.of(java.toString(), "-jar", jar.toString(),
					// The gRPC port by net.devh's key (Spring Boot 3.5 line) and Spring Boot's own (4.1 line).
					"--spring.profiles.active=dev", "--grpc.server.port=" + port, "--grpc.server.address=127.0.0.1",
					"--spring.grpc.server.port=" + port, "--spring.grpc.server.address=127.0.0.1",
					"--server.port=0", "--server.address=127.0.0.1", "--management.server.port=0",
					"--management.server.address=127.0.0.1", "--spring.main.banner-mode=off",
					"--platform.grpc.health.refresh-interval=200ms",
					"--user-service.embedded-postgres.data-directory=" + directory.resolve("pg")))
				.redirectErrorStream(true)
				.redirectOutput(directory.resolve("user-service.log").toFile())
				.start();
			UserServiceProcess service = new UserServiceProcess(process, port, directory, token);
			service.awaitServing();
			return service;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void awaitServing() {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				String log = readLog();
				close();
				throw new IllegalStateException("user-service exited with " + this.process.exitValue() + ":\n" + log);
			}
			try {
				ServingStatus status = HealthGrpc.newBlockingStub(this.channel)
					.withDeadlineAfter(2, TimeUnit.SECONDS)
					.check(HealthCheckRequest.getDefaultInstance())
					.getStatus();
				if (status == ServingStatus.SERVING) {
					return;
				}
			}
			catch (RuntimeException ex) {
				// Not listening yet.
			}
			try {
				Thread.sleep(250);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		close();
		throw new IllegalStateException("user-service was not SERVING within " + STARTUP_TIMEOUT);
	}

	private String readLog() {
		try {
			return Files.readString(this.directory.resolve("user-service.log"));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	/**
	 * Returns a channel to the service whose calls carry the token given at start.
	 * @return the channel
	 */
	public ManagedChannel channel() {
		return this.channel;
	}

	/**
	 * Returns the property that points chat-service's user-service channel at this service.
	 * @return a {@code key=value} property
	 */
	public String addressProperty() {
		return ChatServiceUnderTest.userServiceAddress(this.port);
	}

	@Override
	public void close() {
		this.channel.shutdownNow();
		if (this.process.isAlive()) {
			// SIGTERM: a graceful shutdown that also stops its embedded PostgreSQL.
			this.process.destroy();
			try {
				if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
					this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				this.process.destroyForcibly();
				Thread.currentThread().interrupt();
			}
		}
		FileSystemUtils.deleteRecursively(this.directory.toFile());
	}

}
