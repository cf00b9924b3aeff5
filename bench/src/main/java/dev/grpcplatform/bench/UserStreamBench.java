package dev.grpcplatform.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.grpcplatform.proto.user.v1.CreateUserRequest;
import dev.grpcplatform.proto.user.v1.ImportUsersRequest;
import dev.grpcplatform.proto.user.v1.ImportUsersResponse;
import dev.grpcplatform.proto.user.v1.ListUsersRequest;
import dev.grpcplatform.proto.user.v1.ListUsersResponse;
import dev.grpcplatform.proto.user.v1.UserServiceGrpc;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * user-service's streaming calls against the same work done with plain JDBC, in one run on one
 * PostgreSQL: ImportUsers of N users against batched JDBC inserts of N users, and ListUsers over N
 * users against keyset-paged JDBC reads of N users, in rows per second, with user-service's heap
 * (used after a full collection before and after each call, and the most used while it ran).
 *
 * <p>{@code java -cp bench/target/grpc-platform-bench.jar dev.grpcplatform.bench.UserStreamBench --help}.
 */
public final class UserStreamBench {

	private static final String INSERT = "INSERT INTO users (name, email, status, roles, phone, metadata) "
			+ "VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb)) ON CONFLICT DO NOTHING";

	private static final String SELECT_PAGE = "SELECT * FROM users WHERE id > ? ORDER BY id LIMIT ?";

	// user-service stores imports in batches of this size (UserImport.BATCH_SIZE); JDBC does the same.
	private static final int BATCH_SIZE = 500;

	private static final String HELP = """
			UserStreamBench: user-service's ImportUsers and ListUsers against plain JDBC, rows per second and heap.

			  --user-service JAR   user-service jar (default user-service/target/user-service-0.1.0-SNAPSHOT.jar)
			  --java-home DIR      the JDK that runs user-service (default: the one running the harness)
			  --rows N             users imported and listed per call (default 100000)
			  --rounds N           alternating rounds of the four measurements (default 3)
			  --page-size N        ListUsers page_size and the JDBC page (default 1000)
			  --heap SIZE          user-service's -Xmx (default 256m), on top of the image's JVM options
			  --results DIR        where the report goes (default bench/results)
			Run from the repository's root.
			""";

	private final Path jar;

	private final Path javaHome;

	private final int rows;

	private final int rounds;

	private final int pageSize;

	private final String heap;

	private final Path results;

	private final String secret = BenchSecurity.generate().secret();

	private UserStreamBench(Map<String, String> options) {
		this.jar = Path.of(options.getOrDefault("--user-service", "user-service/target/user-service-0.1.0-SNAPSHOT.jar"));
		this.javaHome = Path.of(options.getOrDefault("--java-home", System.getProperty("java.home")));
		this.rows = Integer.parseInt(options.getOrDefault("--rows", "100000"));
		this.rounds = Integer.parseInt(options.getOrDefault("--rounds", "3"));
		this.pageSize = Integer.parseInt(options.getOrDefault("--page-size", "1000"));
		this.heap = options.getOrDefault("--heap", "256m");
		this.results = Path.of(options.getOrDefault("--results", "bench/results"));
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			if (args[i].equals("--help") || args[i].equals("-h")) {
				System.out.println(HELP);
				return;
			}
			if (!HELP.contains(args[i] + " ") || i + 1 >= args.length) {
				throw new IllegalArgumentException("Unknown option or missing value: " + args[i] + "\n" + HELP);
			}
			options.put(args[i], args[++i]);
		}
		new UserStreamBench(options).run();
	}

	private void run() throws Exception {
		Path logs = Path.of("bench/target/user-stream-bench-logs");
		Files.createDirectories(logs);
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
			.setDataDirectory(Path.of("bench/target/user-stream-bench-pg").toAbsolutePath())
			.setCleanDataDirectory(true)
			.start()) {
			String jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
			int grpcPort = StartupBench.freePort();
			List<String> command = List.of(this.javaHome.resolve("bin/java").toString(), "-Xmx" + this.heap, "-jar",
					this.jar.toAbsolutePath().toString(), "--spring.datasource.url=" + jdbcUrl,
					"--spring.datasource.username=postgres", "--grpc.server.port=" + grpcPort,
					"--spring.grpc.server.port=" + grpcPort, "--server.port=" + StartupBench.freePort(),
					"--management.server.port=0");
			Process process = ServerProcess.launch(command, Map.of("JAVA_TOOL_OPTIONS", StartupApp.IMAGE_JVM_OPTIONS,
					BenchSecurity.SECRET_VARIABLE, this.secret), logs.resolve("user-service.log"));
			ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort)
				.usePlaintext()
				.maxInboundMessageSize(16 * 1024 * 1024)
				.build();
			try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
				StartupBench.awaitServing(channel, process, Duration.ofMinutes(10));
				UserServiceGrpc.UserServiceStub users = UserServiceGrpc.newStub(channel)
					.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(authorization()));
				List<Measurement> measurements = new ArrayList<>();
				for (int round = 1; round <= this.rounds; round++) {
					boolean grpcFirst = round % 2 == 1;
					for (String kind : List.of("import", "list")) {
						for (int k = 0; k < 2; k++) {
							boolean grpc = (k == 0) == grpcFirst;
							Measurement measurement = measure(kind, grpc, round, users, connection, process.pid());
							measurements.add(measurement);
							System.out.printf(Locale.ROOT,
									"[users] round %d %-6s %-4s %8.0f rows/s  heap after GC %5.1f -> %5.1f MiB, max used %5.1f MiB%n",
									round, kind, measurement.variant(), measurement.rowsPerSecond(),
									measurement.heapBeforeMiB(), measurement.heapAfterMiB(), measurement.heapMaxMiB());
						}
					}
				}
				report(measurements);
			}
			finally {
				channel.shutdownNow();
				ServerProcess.stop(process);
			}
		}
	}

	private Measurement measure(String kind, boolean grpc, int round, UserServiceGrpc.UserServiceStub users,
			Connection connection, long pid) throws Exception {
		String prefix = kind + "-" + (grpc ? "grpc" : "jdbc") + "-" + round + "-";
		HeapSampler sampler = grpc ? new HeapSampler(this.javaHome, pid) : null;
		double before = grpc ? sampler.liveMiB() : 0;
		if (grpc) {
			sampler.start();
		}
		long started = System.nanoTime();
		long count = switch (kind) {
			case "import" -> grpc ? importWithGrpc(users, prefix) : insertWithJdbc(connection, prefix);
			default -> grpc ? listWithGrpc(users) : readWithJdbc(connection);
		};
		double seconds = (System.nanoTime() - started) / 1e9;
		double max = 0;
		double after = 0;
		if (grpc) {
			max = sampler.stop();
			after = sampler.liveMiB();
		}
		if (count != this.rows) {
			throw new IllegalStateException(kind + " " + (grpc ? "gRPC" : "JDBC") + " handled " + count + " rows, not " + this.rows);
		}
		return new Measurement(kind, grpc ? "grpc" : "jdbc", round, count, seconds, count / seconds, before, after, max);
	}

	private long importWithGrpc(UserServiceGrpc.UserServiceStub users, String prefix) throws InterruptedException {
		CountDownLatch done = new CountDownLatch(1);
		AtomicReference<Object> outcome = new AtomicReference<>();
		Iterator<Integer> items = java.util.stream.IntStream.range(0, this.rows).iterator();
		// Sends as fast as the transport takes it (onReady), so the client never buffers the stream.
		users.importUsers(new ClientResponseObserver<ImportUsersRequest, ImportUsersResponse>() {

			@Override
			public void beforeStart(ClientCallStreamObserver<ImportUsersRequest> requests) {
				requests.setOnReadyHandler(() -> {
					while (requests.isReady() && items.hasNext()) {
						int i = items.next();
						requests.onNext(ImportUsersRequest.newBuilder().setUser(user(prefix, i)).build());
					}
					if (!items.hasNext() && outcome.compareAndSet(null, "sent")) {
						requests.onCompleted();
					}
				});
			}

			@Override
			public void onNext(ImportUsersResponse response) {
				outcome.set(response);
			}

			@Override
			public void onError(Throwable error) {
				outcome.set(error);
				done.countDown();
			}

			@Override
			public void onCompleted() {
				done.countDown();
			}

		});
		if (!done.await(10, TimeUnit.MINUTES)) {
			throw new IllegalStateException("ImportUsers did not answer in 10 minutes");
		}
		if (!(outcome.get() instanceof ImportUsersResponse response) || response.getFailedCount() != 0) {
			throw new IllegalStateException("ImportUsers: " + outcome.get());
		}
		return response.getCreatedCount();
	}

	private static CreateUserRequest user(String prefix, int i) {
		return CreateUserRequest.newBuilder()
			.setName("Bench User " + i)
			.setEmail(prefix + i + "@example.com")
			.addRoles("member")
			.build();
	}

	private long insertWithJdbc(Connection connection, String prefix) throws SQLException {
		connection.setAutoCommit(false);
		long created = 0;
		try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
			Array roles = connection.createArrayOf("text", new String[] { "member" });
			for (int i = 0; i < this.rows; i++) {
				insert.setString(1, "Bench User " + i);
				insert.setString(2, prefix + i + "@example.com");
				insert.setString(3, "ACTIVE");
				insert.setArray(4, roles);
				insert.setString(5, null);
				insert.setString(6, "{}");
				insert.addBatch();
				if ((i + 1) % BATCH_SIZE == 0 || i == this.rows - 1) {
					for (int count : insert.executeBatch()) {
						created += count;
					}
					connection.commit();
				}
			}
		}
		finally {
			connection.setAutoCommit(true);
		}
		return created;
	}

	// Reads the first N users, page by page as the server sends them, and cancels the rest.
	private long listWithGrpc(UserServiceGrpc.UserServiceStub users) throws InterruptedException {
		CountDownLatch done = new CountDownLatch(1);
		AtomicReference<Throwable> failure = new AtomicReference<>();
		long[] received = new long[1];
		Context.CancellableContext context = Context.current().withCancellation();
		context.run(() -> users.listUsers(ListUsersRequest.newBuilder().setPageSize(this.pageSize).build(),
				new StreamObserver<ListUsersResponse>() {

					@Override
					public void onNext(ListUsersResponse page) {
						received[0] += page.getUsersCount();
						if (received[0] >= UserStreamBench.this.rows) {
							context.cancel(null);
							done.countDown();
						}
					}

					@Override
					public void onError(Throwable error) {
						if (received[0] < UserStreamBench.this.rows) {
							failure.set(error);
						}
						done.countDown();
					}

					@Override
					public void onCompleted() {
						done.countDown();
					}

				}));
		if (!done.await(10, TimeUnit.MINUTES)) {
			throw new IllegalStateException("ListUsers did not end in 10 minutes");
		}
		if (failure.get() != null) {
			throw new IllegalStateException("ListUsers failed after " + received[0] + " users", failure.get());
		}
		return Math.min(received[0], this.rows);
	}

	private long readWithJdbc(Connection connection) throws SQLException {
		long read = 0;
		long lastId = 0;
		long checksum = 0;
		try (PreparedStatement select = connection.prepareStatement(SELECT_PAGE)) {
			while (read < this.rows) {
				select.setLong(1, lastId);
				select.setInt(2, this.pageSize);
				int inPage = 0;
				try (ResultSet rs = select.executeQuery()) {
					while (rs.next() && read < this.rows) {
						// Every column, as user-service maps it.
						lastId = rs.getLong("id");
						String name = rs.getString("name");
						String email = rs.getString("email");
						String status = rs.getString("status");
						Array roles = rs.getArray("roles");
						String phone = rs.getString("phone");
						String metadata = rs.getString("metadata");
						Timestamp created = rs.getTimestamp("created_at");
						checksum += name.length() + email.length() + status.length() + ((String[]) roles.getArray()).length
								+ ((phone != null) ? phone.length() : 0) + metadata.length() + created.getNanos();
						read++;
						inPage++;
					}
				}
				if (inPage == 0) {
					break;
				}
			}
		}
		if (checksum == 0) {
			throw new IllegalStateException("read nothing");
		}
		return read;
	}

	private Metadata authorization() {
		return StartupBench.authorization(this.secret, "user-stream-bench", "users:read users:write");
	}

	private void report(List<Measurement> measurements) throws IOException {
		StringBuilder markdown = new StringBuilder();
		markdown.append("# user-service streaming against plain JDBC\n\n")
			.append(String.format(Locale.ROOT,
					"%d rows per call, %d alternating rounds, medians; user-service `java -Xmx%s -jar` with `JAVA_TOOL_OPTIONS=%s`, "
							+ "JDK of the service %s; one embedded PostgreSQL; ListUsers and JDBC pages of %d, imports in "
							+ "batches of %d; %d CPUs.%n%n",
					this.rows, this.rounds, this.heap, StartupApp.IMAGE_JVM_OPTIONS, this.javaHome, this.pageSize,
					BATCH_SIZE, Runtime.getRuntime().availableProcessors()))
			.append("| call | gRPC rows/s | JDBC rows/s | gRPC ÷ JDBC | user-service heap after GC before → after MiB | max used during MiB |\n")
			.append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
		Map<String, Object> summaries = new LinkedHashMap<>();
		for (String kind : List.of("import", "list")) {
			double grpc = median(measurements, kind, "grpc", Measurement::rowsPerSecond);
			double jdbc = median(measurements, kind, "jdbc", Measurement::rowsPerSecond);
			double before = median(measurements, kind, "grpc", Measurement::heapBeforeMiB);
			double after = median(measurements, kind, "grpc", Measurement::heapAfterMiB);
			double max = measurements.stream()
				.filter((m) -> m.kind().equals(kind) && m.variant().equals("grpc"))
				.mapToDouble(Measurement::heapMaxMiB)
				.max()
				.orElse(0);
			markdown.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.2f | %.1f → %.1f | %.1f |%n",
					kind.equals("import") ? "ImportUsers / batched INSERT" : "ListUsers / keyset SELECT", grpc, jdbc,
					grpc / jdbc, before, after, max));
			Map<String, Object> summary = new LinkedHashMap<>();
			summary.put("grpcRowsPerSecond", Math.round(grpc));
			summary.put("jdbcRowsPerSecond", Math.round(jdbc));
			summary.put("grpcToJdbc", Math.round(grpc / jdbc * 1000) / 1000.0);
			summary.put("heapLiveBeforeMiB", before);
			summary.put("heapLiveAfterMiB", after);
			summary.put("heapMaxUsedMiB", max);
			summaries.put(kind, summary);
		}
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("rows", this.rows);
		json.put("rounds", this.rounds);
		json.put("pageSize", this.pageSize);
		json.put("heap", this.heap);
		json.put("jvmOptions", StartupApp.IMAGE_JVM_OPTIONS);
		json.put("summaries", summaries);
		json.put("measurements", measurements);
		String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
		Path file = BenchResults.write(this.results, "users-" + stamp, json, markdown.toString());
		System.out.println();
		System.out.println(markdown);
		System.out.println("Written to " + file);
	}

	private static double median(List<Measurement> measurements, String kind, String variant,
			java.util.function.ToDoubleFunction<Measurement> value) {
		return BenchResults.median(measurements.stream()
			.filter((m) -> m.kind().equals(kind) && m.variant().equals(variant))
			.map((m) -> value.applyAsDouble(m))
			.toList());
	}

	/**
	 * One call, or its JDBC counterpart.
	 *
	 * @param kind import or list
	 * @param variant grpc or jdbc
	 * @param round the round, from 1
	 * @param rows rows imported or read
	 * @param seconds how long it took
	 * @param rowsPerSecond rows ÷ seconds
	 * @param heapBeforeMiB user-service's used heap after a full collection, before (gRPC only)
	 * @param heapAfterMiB the same after
	 * @param heapMaxMiB the most heap user-service used while the call ran (sampled every 100 ms)
	 */
	record Measurement(String kind, String variant, int round, long rows, double seconds, double rowsPerSecond,
			double heapBeforeMiB, double heapAfterMiB, double heapMaxMiB) {
	}

	/**
	 * user-service's heap, read with the JDK's jstat and jcmd.
	 */
	private static final class HeapSampler {

		private final Path javaHome;

		private final long pid;

		private Process jstat;

		private Thread reader;

		private volatile double max;

		HeapSampler(Path javaHome, long pid) {
			this.javaHome = javaHome;
			this.pid = pid;
		}

		// Used heap after a full collection: what the service keeps.
		double liveMiB() throws IOException, InterruptedException {
			Process gc = new ProcessBuilder(this.javaHome.resolve("bin/jcmd").toString(), Long.toString(this.pid), "GC.run")
				.redirectErrorStream(true)
				.start();
			gc.getInputStream().readAllBytes();
			gc.waitFor();
			Process once = new ProcessBuilder(this.javaHome.resolve("bin/jstat").toString(), "-gc", Long.toString(this.pid))
				.redirectErrorStream(true)
				.start();
			List<String> lines = new String(once.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
			once.waitFor();
			return usedMiB(lines.get(0), lines.get(1));
		}

		void start() throws IOException {
			this.jstat = new ProcessBuilder(this.javaHome.resolve("bin/jstat").toString(), "-gc", Long.toString(this.pid),
					"100")
				.redirectErrorStream(true)
				.start();
			this.reader = new Thread(() -> {
				try {
					var lines = new java.io.BufferedReader(
							new java.io.InputStreamReader(this.jstat.getInputStream(), StandardCharsets.UTF_8));
					String header = lines.readLine();
					String line;
					while ((line = lines.readLine()) != null) {
						if (!line.strip().startsWith("S0C")) {
							this.max = Math.max(this.max, usedMiB(header, line));
						}
					}
				}
				catch (IOException | RuntimeException ex) {
					// jstat ended.
				}
			}, "heap-sampler");
			this.reader.setDaemon(true);
			this.reader.start();
		}

		double stop() throws InterruptedException {
			Thread.sleep(200);
			this.jstat.destroy();
			this.reader.join(2000);
			return this.max;
		}

		private static double usedMiB(String header, String line) {
			List<String> names = List.of(header.strip().split("\\s+"));
			String[] values = line.strip().split("\\s+");
			double kib = 0;
			for (String column : List.of("S0U", "S1U", "EU", "OU")) {
				kib += Double.parseDouble(values[names.indexOf(column)]);
			}
			return kib / 1024;
		}

	}

}
