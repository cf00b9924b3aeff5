package dev.grpcplatform.user.config;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.grpcplatform.proto.user.v1.CreateUserRequest;
import dev.grpcplatform.proto.user.v1.ImportUsersRequest;
import dev.grpcplatform.proto.user.v1.ImportUsersResponse;
import dev.grpcplatform.proto.user.v1.UserServiceGrpc;
import dev.grpcplatform.starter.client.BearerTokenClientInterceptor;
import dev.grpcplatform.starter.security.DevelopmentTokens;
import dev.grpcplatform.user.UserServiceApplication;
import dev.grpcplatform.user.testing.Imports;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * user-service in its own JVM, stopped with SIGTERM as {@code ./platform up}, Kubernetes or
 * docker stop do: the embedded PostgreSQL outlives the calls in flight and never the service.
 */
class EmbeddedPostgresShutdownIntegrationTests {

	private static final Duration STARTUP = Duration.ofMinutes(2);

	@TempDir
	Path directory;

	private Process service;

	@AfterEach
	void stopService() throws InterruptedException {
		if (this.service != null && this.service.isAlive()) {
			this.service.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		}
		// A server the test could not stop must not survive it either.
		postgresProcesses().forEach(ProcessHandle::destroyForcibly);
	}

	@Test
	void sigtermWhileTheEmbeddedPostgresStartsLeavesNoServerRunning() throws Exception {
		Path log = this.directory.resolve("service.log");
		this.service = start(log, freePort(), freePort());
		// A fresh data directory: initdb and the server's first start take seconds, so the
		// signal arrives while the bean that starts them is still waiting for them.
		await().atMost(STARTUP).until(() -> logContains(log, "starting embedded PostgreSQL with data in"));
		this.service.destroy();
		assertThat(this.service.waitFor(90, TimeUnit.SECONDS)).as("service ended").isTrue();
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(postgresProcesses()).as("PostgreSQL processes of %s", dataDirectory())
				.isEmpty());
	}

	@Test
	void sigtermDuringAnImportLetsItFinishBeforeTheEmbeddedPostgresStops() throws Exception {
		Path log = this.directory.resolve("service.log");
		int grpcPort = freePort();
		int managementPort = freePort();
		this.service = start(log, grpcPort, managementPort);
		await().atMost(STARTUP).until(() -> logContains(log, "Started UserServiceApplication"));
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort)
			.usePlaintext()
			.intercept(BearerTokenClientInterceptor.of(DevelopmentTokens.mint("importer", "users:write")))
			.build();
		try {
			Imports.SummaryObserver summary = new Imports.SummaryObserver();
			StreamObserver<ImportUsersRequest> items = UserServiceGrpc.newStub(channel)
				.withDeadlineAfter(60, TimeUnit.SECONDS)
				.importUsers(summary);
			send(items, 0, 10);
			// The server has the call before the signal: it is a call in flight, not a late one.
			await().atMost(Duration.ofSeconds(30)).until(() -> importsInFlight(managementPort) == 1);
			this.service.destroy();
			await().atMost(Duration.ofSeconds(30)).until(() -> logContains(log, "gRPC server shutting down"));
			// The shutdown has begun; a server stopped at SIGTERM would be gone by now (it takes
			// about half a second), not so one that waits for the calls in flight.
			Thread.sleep(2000);
			send(items, 10, 20);
			items.onCompleted();
			ImportUsersResponse result = summary.summary().get(60, TimeUnit.SECONDS);
			assertThat(result.getCreatedCount()).isEqualTo(20);
			assertThat(result.getFailedCount()).isZero();
		}
		finally {
			channel.shutdownNow();
		}
		assertThat(this.service.waitFor(90, TimeUnit.SECONDS)).as("service ended").isTrue();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(postgresProcesses()).isEmpty());
	}

	private static double importsInFlight(int managementPort) throws IOException, InterruptedException {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
				.build(), HttpResponse.BodyHandlers.ofString());
		return response.body()
			.lines()
			.filter((line) -> line.startsWith("grpc_server_call_active{")
					&& line.contains("grpc_method=\"platform.user.v1.UserService/ImportUsers\""))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	private static void send(StreamObserver<ImportUsersRequest> items, int from, int to) {
		for (int i = from; i < to; i++) {
			items.onNext(ImportUsersRequest.newBuilder()
				.setUser(CreateUserRequest.newBuilder().setName("User " + i).setEmail("user" + i + "@example.com"))
				.build());
		}
	}

	private Process start(Path log, int grpcPort, int managementPort) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = List.of(java, "-cp", System.getProperty("java.class.path"),
				UserServiceApplication.class.getName(), "--spring.profiles.active=dev",
				// The gRPC port by net.devh's key (Spring Boot 3.5 line) and Spring Boot's own (4.1 line).
				"--grpc.server.address=127.0.0.1", "--grpc.server.port=" + grpcPort,
				"--spring.grpc.server.address=127.0.0.1", "--spring.grpc.server.port=" + grpcPort, "--server.address=127.0.0.1",
				"--server.port=0", "--management.server.address=127.0.0.1", "--management.server.port=" + managementPort,
				"--spring.main.banner-mode=off",
				"--user-service.embedded-postgres.data-directory=" + dataDirectory());
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

	private Path dataDirectory() {
		return this.directory.resolve("pg");
	}

	private List<ProcessHandle> postgresProcesses() {
		String data = dataDirectory().toString();
		return ProcessHandle.allProcesses()
			.filter((process) -> process.info().commandLine().orElse("").contains(data))
			.toList();
	}

	private static boolean logContains(Path log, String text) throws IOException {
		return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
