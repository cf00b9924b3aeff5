package dev.grpcplatform.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.StringValue;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.grpcplatform.proto.chat.v1.ChatRequest;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.ChatServiceGrpc;
import dev.grpcplatform.proto.chat.v1.JoinRoom;
import dev.grpcplatform.proto.chat.v1.SendMessage;
import dev.grpcplatform.proto.user.v1.CreateUserRequest;
import dev.grpcplatform.proto.user.v1.GetUserRequest;
import dev.grpcplatform.proto.user.v1.UserServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Start-up benchmark: the time from process start to gRPC health {@code SERVING} of the sample
 * services as the image runs them and of peer hello services as a user runs them, measured in
 * alternating rounds in one run on one JDK, and the idle resident memory of each after 1,000 calls.
 *
 * <p>{@code java -cp bench/target/grpc-platform-bench.jar dev.grpcplatform.bench.StartupBench --help}
 * lists the options; bench/README.md describes the method and the results.
 */
public final class StartupBench {

	private static final Duration READY_TIMEOUT = Duration.ofMinutes(15);

	private static final String SCOPES = "users:read users:write chat:write";

	private static final MethodDescriptor<StringValue, StringValue> SAY_HELLO = MethodDescriptor
		.<StringValue, StringValue>newBuilder()
		.setType(MethodDescriptor.MethodType.UNARY)
		// bench/peers/proto/hello.proto: HelloRequest and HelloReply have one string field 1, the wire
		// format of StringValue, so the harness needs no code generated from it.
		.setFullMethodName("bench.hello.v1.Greeter/SayHello")
		.setRequestMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
		.setResponseMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
		.build();

	// Stopped with the harness (Ctrl+C), like ServerProcess's.
	private static final List<Process> running = new CopyOnWriteArrayList<>();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> running.forEach(Process::destroyForcibly)));
	}

	private final Options options;

	private final String secret = BenchSecurity.generate().secret();

	private final Path logs;

	// --memory-limit: each app's own cgroup, in which every start of it runs.
	private final Map<String, MemoryCgroup> cgroups = new LinkedHashMap<>();

	private StartupBench(Options options) {
		this.options = options;
		this.logs = Path.of("bench/target/startup-bench-logs");
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		if (options == null) {
			System.out.println(Options.HELP);
			return;
		}
		new StartupBench(options).run();
	}

	private void run() throws Exception {
		Files.createDirectories(this.logs);
		Path javaHome = this.options.javaHome;
		String javaVersion = javaVersion(javaHome);
		progress("JDK %s (%s), %d starts of each app, %d calls before the idle RSS", javaVersion, javaHome,
				this.options.starts, this.options.calls);
		progress("JAVA_TOOL_OPTIONS=%s%s", this.options.jvmOptions, (this.options.memoryLimit > 0)
				? String.format(Locale.ROOT, ", in a memory cgroup of %d MiB", this.options.memoryLimit >> 20) : "");
		try {
			run(javaHome, javaVersion);
		}
		finally {
			for (MemoryCgroup cgroup : this.cgroups.values()) {
				cgroup.close();
			}
		}
	}

	private void run(Path javaHome, String javaVersion) throws Exception {
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
			.setDataDirectory(Path.of("bench/target/startup-bench-pg").toAbsolutePath())
			.setCleanDataDirectory(true)
			.start(); ChatBenchUsers users = new ChatBenchUsers()) {
			String jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
			progress("PostgreSQL %s for user-service: %s", postgres.getPort(), jdbcUrl);
			List<StartupApp> apps = apps(jdbcUrl, users.target());
			Map<String, StartupApp.Launch> launches = new LinkedHashMap<>();
			for (StartupApp app : apps) {
				Path log = this.logs.resolve(app.name() + "-prepare.log");
				Files.deleteIfExists(log);
				long started = System.nanoTime();
				StartupApp.Launch launch = app.prepare(Path.of("bench/target/startup-apps"), javaHome,
						this.options.script, trainingEnvironment(app), log, this.options.reuseCache);
				launches.put(app.name(), launch);
				if (this.options.memoryLimit > 0) {
					this.cgroups.put(app.name(), MemoryCgroup.create(app.name(), this.options.memoryLimit));
				}
				if (app.image()) {
					progress("%s: extracted and trained in %.1f s (%s)", app.name(), seconds(System.nanoTime() - started),
							Files.readAllLines(launch.directory().resolve("start-up.args")).get(0));
				}
			}
			// Starts of each that are not counted: the files of every app in the page cache.
			for (int i = 0; i < this.options.warmUps; i++) {
				for (StartupApp app : apps) {
					Start start = start(app, launches.get(app.name()), 0);
					progress("warm-up %-24s ready in %6.2f s", app.name(), start.seconds());
				}
			}
			List<Start> starts = new ArrayList<>();
			for (int round = 1; round <= this.options.starts; round++) {
				for (StartupApp app : apps) {
					MachineLoad.awaitQuiet(List.of(), this.options.maxForeignLoad, Duration.ofSeconds(30), this::progressLine);
					Start start = start(app, launches.get(app.name()), round);
					starts.add(start);
					progress("round %d %-24s ready in %6.2f s (other processes %3.0f %%)", round, app.name(), start.seconds(),
							start.foreignLoad() * 100);
				}
			}
			List<Memory> memory = new ArrayList<>();
			for (StartupApp app : apps) {
				Memory measured = memory(app, launches.get(app.name()));
				memory.add(measured);
				progress("%-24s idle RSS %.1f MiB after %d calls", app.name(), measured.rssMiB(), measured.calls());
			}
			report(javaVersion, apps, starts, memory);
		}
	}

	private List<StartupApp> apps(String jdbcUrl, String usersTarget) {
		List<String> userArguments = List.of("--spring.datasource.url=" + jdbcUrl, "--spring.datasource.username=postgres");
		List<String> chatArguments = List.of("--grpc.client.user-service.address=static://" + usersTarget,
				"--spring.grpc.client.channel.user-service.target=static://" + usersTarget);
		List<StartupApp> apps = new ArrayList<>();
		apps.add(new StartupApp("user-service", "user-service, as the image runs it", this.options.userService, true,
				userArguments));
		apps.add(new StartupApp("chat-service", "chat-service (memory broker), as the image runs it",
				this.options.chatService, true, chatArguments));
		if (this.options.plainSamples) {
			apps.add(new StartupApp("user-service-jar", "user-service, java -jar", this.options.userService, false,
					userArguments));
			apps.add(new StartupApp("chat-service-jar", "chat-service (memory broker), java -jar",
					this.options.chatService, false, chatArguments));
		}
		for (Map.Entry<String, Path> peer : this.options.peers.entrySet()) {
			apps.add(new StartupApp(peer.getKey(), "peer hello service, java -jar", peer.getValue(), false, List.of()));
		}
		return apps;
	}

	// The image's training run has no database to reach: user-service starts its embedded PostgreSQL,
	// here in a directory of its own that the training run leaves behind (it stops the server).
	private Map<String, String> trainingEnvironment(StartupApp app) {
		Map<String, String> environment = new LinkedHashMap<>();
		environment.put("USER_SERVICE_EMBEDDED_POSTGRES_DATA_DIRECTORY",
				Path.of("bench/target/startup-apps/training-pg-" + app.name()).toAbsolutePath().toString());
		return environment;
	}

	private Process launch(StartupApp app, StartupApp.Launch launch, int grpcPort, int managementPort, Path log,
			List<String> jvmOptions) throws IOException {
		List<String> command = new ArrayList<>(launch.command());
		// JVM options go before -jar.
		command.addAll(1, jvmOptions);
		command.addAll(app.arguments());
		// Each line's port property; the others are ignored.
		command.add("--grpc.server.port=" + grpcPort);
		command.add("--spring.grpc.server.port=" + grpcPort);
		command.add("--server.port=" + managementPort);
		// The samples keep Actuator on its own port (8081/8082 by default): a free one here.
		command.add("--management.server.port=0");
		MemoryCgroup cgroup = this.cgroups.get(app.name());
		if (cgroup != null) {
			command = cgroup.wrap(command);
		}
		ProcessBuilder builder = new ProcessBuilder(command).directory(launch.directory().toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().put("JAVA_TOOL_OPTIONS", this.options.jvmOptions);
		builder.environment().put(BenchSecurity.SECRET_VARIABLE, this.secret);
		builder.environment().remove("USER_SERVICE_EMBEDDED_POSTGRES_DATA_DIRECTORY");
		Process process = builder.start();
		running.add(process);
		return process;
	}

	private Start start(StartupApp app, StartupApp.Launch launch, int round) throws Exception {
		int grpcPort = freePort();
		int managementPort = freePort();
		Path log = this.logs.resolve(app.name() + "-" + round + ".log");
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
		MachineLoad.Sample before = MachineLoad.sample(List.of());
		long started = System.nanoTime();
		Process process = launch(app, launch, grpcPort, managementPort, log, List.of());
		try {
			long ready = awaitServing(channel, process, log);
			double foreign = MachineLoad.sample(List.of(process.pid())).foreignShareSince(before);
			return new Start(app.name(), round, seconds(ready - started), foreign);
		}
		finally {
			channel.shutdownNow();
			ServerProcess.stop(process);
			running.remove(process);
		}
	}

	private long awaitServing(ManagedChannel channel, Process process, Path log) throws Exception {
		try {
			return awaitServing(channel, process, READY_TIMEOUT);
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException(ex.getMessage() + "; see " + log, ex);
		}
	}

	/**
	 * Polls gRPC health (the server's overall status, service name "") every 10 ms.
	 * @param channel a channel to the server
	 * @param process the server's process
	 * @param timeout how long to wait
	 * @return {@link System#nanoTime()} of the first SERVING answer
	 * @throws InterruptedException when interrupted
	 * @throws IllegalStateException if the process ends or the time is up
	 */
	static long awaitServing(ManagedChannel channel, Process process, Duration timeout) throws InterruptedException {
		HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException("ended during start-up (exit code " + process.exitValue() + ")");
			}
			// Without this the channel waits out its reconnect backoff (growing to minutes) after
			// each refused connection and sees SERVING late.
			channel.resetConnectBackoff();
			try {
				HealthCheckResponse response = health.withDeadlineAfter(1, TimeUnit.SECONDS)
					.check(HealthCheckRequest.getDefaultInstance());
				if (response.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
					return System.nanoTime();
				}
			}
			catch (StatusRuntimeException ex) {
				// Not listening yet (UNAVAILABLE) or not answering yet (DEADLINE_EXCEEDED).
			}
			Thread.sleep(10);
		}
		throw new IllegalStateException("not SERVING after " + timeout.toSeconds() + " s");
	}

	private Memory memory(StartupApp app, StartupApp.Launch launch) throws Exception {
		int grpcPort = freePort();
		Path log = this.logs.resolve(app.name() + "-memory.log");
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
		// Native Memory Tracking costs memory of its own: only when a breakdown is asked for.
		List<String> jvmOptions = this.options.breakdown ? List.of("-XX:NativeMemoryTracking=summary",
				"-Xlog:gc*:file=" + this.logs.toAbsolutePath().resolve(app.name() + "-memory-gc.log")) : List.of();
		Process process = launch(app, launch, grpcPort, freePort(), log, jvmOptions);
		try {
			awaitServing(channel, process, log);
			int calls = this.options.calls;
			if (app.name().startsWith("user-service")) {
				userServiceCalls(channel, calls);
			}
			else if (app.name().startsWith("chat-service")) {
				chatServiceCalls(channel, calls);
			}
			else {
				for (int i = 0; i < calls; i++) {
					StringValue reply = ClientCalls.blockingUnaryCall(channel, SAY_HELLO, CallOptions.DEFAULT,
							StringValue.of("bench"));
					check(reply.getValue().equals("Hello bench"), "unexpected hello reply: " + reply.getValue());
				}
			}
			Thread.sleep(this.options.idle.toMillis());
			Map<String, Long> status = status(process.pid());
			Memory memory = new Memory(app.name(), calls, status.get("VmRSS") / 1024.0,
					status.getOrDefault("RssAnon", 0L) / 1024.0, status.getOrDefault("RssFile", 0L) / 1024.0,
					status.getOrDefault("RssShmem", 0L) / 1024.0, status.getOrDefault("Threads", 0L));
			if (this.options.breakdown) {
				breakdown(app, process.pid());
			}
			return memory;
		}
		finally {
			channel.shutdownNow();
			ServerProcess.stop(process);
			running.remove(process);
		}
	}

	private void userServiceCalls(ManagedChannel channel, int calls) {
		UserServiceGrpc.UserServiceBlockingStub users = UserServiceGrpc.newBlockingStub(channel)
			.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(authorization()));
		long id = users.createUser(CreateUserRequest.newBuilder()
			.setName("Start-up Bench")
			.setEmail("startup-" + System.nanoTime() + "@example.com")
			.build()).getUser().getId();
		for (int i = 0; i < calls; i++) {
			check(users.getUser(GetUserRequest.newBuilder().setId(id).build()).getUser().getId() == id, "GetUser");
		}
	}

	// One call = one Chat stream: join, send a message, receive it back, leave.
	private void chatServiceCalls(ManagedChannel channel, int calls) throws InterruptedException {
		ChatServiceGrpc.ChatServiceStub chat = ChatServiceGrpc.newStub(channel)
			.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(authorization()));
		for (int i = 0; i < calls; i++) {
			CountDownLatch done = new CountDownLatch(1);
			AtomicReference<Object> outcome = new AtomicReference<>();
			AtomicReference<StreamObserver<ChatRequest>> requests = new AtomicReference<>();
			requests.set(chat.chat(new StreamObserver<>() {

				@Override
				public void onNext(ChatResponse response) {
					if (response.hasJoined()) {
						requests.get()
							.onNext(ChatRequest.newBuilder()
								.setSend(SendMessage.newBuilder().setText("hello").setClientMessageId("m"))
								.build());
					}
					else if (response.hasMessage()) {
						outcome.compareAndSet(null, Boolean.TRUE);
						requests.get().onCompleted();
					}
				}

				@Override
				public void onError(Throwable error) {
					outcome.compareAndSet(null, error);
					done.countDown();
				}

				@Override
				public void onCompleted() {
					done.countDown();
				}

			}));
			requests.get()
				.onNext(ChatRequest.newBuilder()
					.setJoin(JoinRoom.newBuilder().setRoomId("startup-bench").setUserId(1 + (i % 50)))
					.build());
			check(done.await(30, TimeUnit.SECONDS), "Chat stream " + i + " did not end");
			check(Boolean.TRUE.equals(outcome.get()), "Chat stream " + i + ": " + outcome.get());
		}
	}

	private Metadata authorization() {
		return authorization(this.secret, "startup-bench", SCOPES);
	}

	/**
	 * Metadata with a bearer token the samples accept under their default profile when
	 * {@code PLATFORM_GRPC_SECURITY_JWT_SECRET} holds the secret (HS256, valid four hours).
	 * @param secret the secret
	 * @param subject the token's subject
	 * @param scopes the scopes, space-separated
	 * @return the {@code authorization} header
	 */
	static Metadata authorization(String secret, String subject, String scopes) {
		Instant now = Instant.now();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject)
			.claim("scope", scopes)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofHours(4))))
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
		try {
			jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot sign the bench token", ex);
		}
		Metadata metadata = new Metadata();
		metadata.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + jwt.serialize());
		return metadata;
	}

	private void report(String javaVersion, List<StartupApp> apps, List<Start> starts, List<Memory> memory)
			throws IOException {
		Map<String, Double> medians = new LinkedHashMap<>();
		for (StartupApp app : apps) {
			List<Double> seconds = starts.stream()
				.filter((start) -> start.app().equals(app.name()))
				.map(Start::seconds)
				.toList();
			// --starts 0 measures memory only.
			medians.put(app.name(), seconds.isEmpty() ? Double.NaN : BenchResults.median(seconds));
		}
		Map<String, Double> rss = new LinkedHashMap<>();
		Map<String, Memory> memoryByApp = new LinkedHashMap<>();
		memory.forEach((measured) -> rss.put(measured.app(), measured.rssMiB()));
		memory.forEach((measured) -> memoryByApp.put(measured.app(), measured));
		List<String> peers = new ArrayList<>(this.options.peers.keySet());
		StringBuilder markdown = new StringBuilder();
		String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
		markdown.append("# Start-up to gRPC health SERVING, and idle RSS\n\n")
			.append("JDK ")
			.append(javaVersion)
			.append(", ")
			.append(Runtime.getRuntime().availableProcessors())
			.append(" CPUs; every JVM with `JAVA_TOOL_OPTIONS=")
			.append(this.options.jvmOptions)
			.append(this.options.jvmOptions.equals(StartupApp.IMAGE_JVM_OPTIONS) ? "` (the image's)" : "`")
			.append((this.options.memoryLimit > 0) ? String.format(Locale.ROOT,
					", each app in a memory cgroup limited to %d MiB, as in a pod with that limit (the JVM sizes its heap"
							+ " and picks its collector from it)",
					this.options.memoryLimit >> 20) : "")
			.append("; ")
			.append(this.options.starts)
			.append(" starts of each app in alternating rounds, medians; RSS after ")
			.append(this.options.calls)
			.append(" calls and ")
			.append(this.options.idle.toSeconds())
			.append(" s idle")
			.append(this.options.breakdown ? ", with -XX:NativeMemoryTracking=summary (--breakdown)" : "")
			.append("; anon and file: RssAnon and RssFile of the RSS.\n\n");
		markdown.append("| app | how it starts | ready s (median) | min | max |");
		peers.forEach((peer) -> markdown.append(" ÷ ").append(peer).append(" |"));
		markdown.append(" idle RSS MiB |");
		peers.forEach((peer) -> markdown.append(" RSS ÷ ").append(peer).append(" |"));
		markdown.append(" anon MiB | file MiB | threads |");
		markdown.append("\n| --- | --- | ---: | ---: | ---: |");
		peers.forEach((peer) -> markdown.append(" ---: |"));
		markdown.append(" ---: |");
		peers.forEach((peer) -> markdown.append(" ---: |"));
		markdown.append(" ---: | ---: | ---: |");
		markdown.append('\n');
		List<Map<String, Object>> summaries = new ArrayList<>();
		for (StartupApp app : apps) {
			List<Double> samples = starts.stream().filter((start) -> start.app().equals(app.name())).map(Start::seconds).toList();
			double median = medians.get(app.name());
			markdown.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |", app.name(), app.description(),
					cell(median), cell(samples.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN)),
					cell(samples.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN))));
			Map<String, Object> summary = new LinkedHashMap<>();
			summary.put("app", app.name());
			summary.put("description", app.description());
			summary.put("jar", app.jar().toString());
			summary.put("image", app.image());
			summary.put("readySecondsMedian", Double.isNaN(median) ? null : round(median));
			summary.put("readySeconds", samples.stream().map(StartupBench::round).toList());
			Map<String, Double> ratios = new LinkedHashMap<>();
			Map<String, Double> rssRatios = new LinkedHashMap<>();
			for (String peer : peers) {
				double ratio = median / medians.get(peer);
				if (!Double.isNaN(ratio)) {
					ratios.put(peer, round(ratio));
				}
				markdown.append(" ").append(cell(ratio)).append(" |");
			}
			Double appRss = rss.get(app.name());
			markdown.append(String.format(Locale.ROOT, " %.1f |", appRss));
			for (String peer : peers) {
				double ratio = appRss / rss.get(peer);
				rssRatios.put(peer, round(ratio));
				markdown.append(String.format(Locale.ROOT, " %.2f |", ratio));
			}
			Memory measured = memoryByApp.get(app.name());
			markdown.append(String.format(Locale.ROOT, " %.1f | %.1f | %d |", measured.anonMiB(), measured.fileMiB(),
					measured.threads()));
			markdown.append('\n');
			summary.put("readyRatioToPeer", ratios);
			summary.put("idleRssMiB", round(appRss));
			summary.put("idleRssRatioToPeer", rssRatios);
			summaries.add(summary);
		}
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("java", javaVersion);
		json.put("cpus", Runtime.getRuntime().availableProcessors());
		json.put("jvmOptions", this.options.jvmOptions);
		json.put("memoryLimitMiB", (this.options.memoryLimit > 0) ? this.options.memoryLimit >> 20 : null);
		json.put("startsPerApp", this.options.starts);
		json.put("callsBeforeRss", this.options.calls);
		json.put("idleSeconds", this.options.idle.toSeconds());
		json.put("summaries", summaries);
		json.put("starts", starts);
		json.put("memory", memory);
		Path file = BenchResults.write(this.options.results, "startup-" + stamp, json, markdown.toString());
		System.out.println();
		System.out.println(markdown);
		System.out.println("Written to " + file + " and " + file.toString().replace(".md", ".json"));
	}

	private static String javaVersion(Path javaHome) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(javaHome.resolve("bin/java").toString(), "-XshowSettings:properties", "-version")
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		process.waitFor();
		return output.lines()
			.filter((line) -> line.strip().startsWith("java.runtime.version = "))
			.map((line) -> line.strip().substring("java.runtime.version = ".length()))
			.findFirst()
			.orElse("unknown");
	}

	static long rssKiB(long pid) throws IOException {
		Long rss = status(pid).get("VmRSS");
		if (rss == null) {
			throw new IOException("no VmRSS for " + pid);
		}
		return rss;
	}

	// The numeric fields of /proc/<pid>/status (kB for sizes).
	private static Map<String, Long> status(long pid) throws IOException {
		Map<String, Long> fields = new LinkedHashMap<>();
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
			int colon = line.indexOf(':');
			String digits = line.substring(colon + 1).replace("kB", "").strip();
			if (colon > 0 && digits.matches("[0-9]+")) {
				fields.put(line.substring(0, colon), Long.parseLong(digits));
			}
		}
		return fields;
	}

	// What the RSS consists of, read while the app is idle (after its RSS): the kernel's view
	// (smaps_rollup, the largest mappings, the Java heap's and the class cache's share) and the
	// JVM's (NMT, heap, threads, heap histogram; the histogram runs a full GC, so it comes last).
	private void breakdown(StartupApp app, long pid) throws IOException, InterruptedException {
		StringBuilder out = new StringBuilder();
		Path proc = Path.of("/proc", Long.toString(pid));
		List<String> smaps = Files.readAllLines(proc.resolve("smaps"));
		out.append("## /proc/").append(pid).append("/status\n");
		Files.readAllLines(proc.resolve("status"))
			.stream()
			.filter((line) -> line.matches("^(Vm|Rss|Threads).*"))
			.forEach((line) -> out.append(line).append('\n'));
		out.append("\n## smaps_rollup\n").append(Files.readString(proc.resolve("smaps_rollup")));
		out.append("\n## largest mappings by Rss (kB)\n");
		largestMappings(smaps, 25).forEach((line) -> out.append(line).append('\n'));
		String heapInfo = jcmd(pid, "GC.heap_info");
		Matcher range = Pattern.compile("\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)").matcher(heapInfo);
		if (range.find()) {
			long[] heap = resident(smaps, (start, name) -> start >= Long.parseUnsignedLong(range.group(1), 16)
					&& start < Long.parseUnsignedLong(range.group(2), 16));
			out.append(String.format(Locale.ROOT, "%nJava heap resident: %d kB (dirty %d kB)%n", heap[0], heap[1]));
		}
		long[] cache = resident(smaps, (start, name) -> name.endsWith(".aot") || name.endsWith(".jsa"));
		out.append(String.format(Locale.ROOT,
				"Class data cache (.aot/.jsa) resident: %d kB, of which dirty (relocated, counted in RssAnon) %d kB%n",
				cache[0], cache[1]));
		for (String command : List.of("VM.native_memory summary", "GC.heap_info", "VM.flags", "Thread.print",
				"GC.class_histogram")) {
			out.append("\n## jcmd ").append(command).append('\n');
			int limit = command.equals("GC.class_histogram") ? 60 : Integer.MAX_VALUE;
			jcmd(pid, command).lines().limit(limit).forEach((line) -> out.append(line).append('\n'));
		}
		Path file = this.logs.resolve(app.name() + "-memory-breakdown.txt");
		Files.writeString(file, out);
		progress("%-24s RSS breakdown in %s", app.name(), file);
	}

	private String jcmd(long pid, String command) throws IOException, InterruptedException {
		List<String> arguments = new ArrayList<>(
				List.of(this.options.javaHome.resolve("bin/jcmd").toString(), Long.toString(pid)));
		arguments.addAll(List.of(command.split(" ")));
		Process process = new ProcessBuilder(arguments).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		process.waitFor();
		return output;
	}

	// Rss and Private_Dirty (kB) of the mappings of /proc/<pid>/smaps that the filter selects by
	// start address and name.
	private static long[] resident(List<String> smaps, MappingFilter filter) {
		long[] sums = new long[2];
		boolean selected = false;
		for (String line : smaps) {
			if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
				String[] fields = line.split("\\s+", 6);
				long start = Long.parseUnsignedLong(fields[0].substring(0, fields[0].indexOf('-')), 16);
				selected = filter.test(start, (fields.length == 6) ? fields[5].strip() : "");
			}
			else if (selected && line.startsWith("Rss:")) {
				sums[0] += Long.parseLong(line.replaceAll("[^0-9]", ""));
			}
			else if (selected && line.startsWith("Private_Dirty:")) {
				sums[1] += Long.parseLong(line.replaceAll("[^0-9]", ""));
			}
		}
		return sums;
	}

	private interface MappingFilter {

		boolean test(long start, String name);

	}

	// The mappings of /proc/<pid>/smaps with the most resident memory, mappings of one file summed.
	private static List<String> largestMappings(List<String> smaps, int count) {
		Map<String, Long> rss = new LinkedHashMap<>();
		String mapping = null;
		for (String line : smaps) {
			if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
				String[] fields = line.split("\\s+", 6);
				mapping = (fields.length == 6 && !fields[5].isBlank()) ? fields[5].strip() : "[anon]";
			}
			else if (line.startsWith("Rss:") && mapping != null) {
				rss.merge(mapping, Long.parseLong(line.replaceAll("[^0-9]", "")), Long::sum);
			}
		}
		return rss.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.limit(count)
			.map((entry) -> String.format(Locale.ROOT, "%8d %s", entry.getValue(), entry.getKey()))
			.toList();
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static void check(boolean condition, String message) {
		if (!condition) {
			throw new IllegalStateException(message);
		}
	}

	private static double seconds(long nanos) {
		return nanos / 1e9;
	}

	// Two decimals; a dash without starts (--starts 0 measures memory only).
	private static String cell(double value) {
		return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.2f", value);
	}

	private static double round(double value) {
		return Math.round(value * 1000) / 1000.0;
	}

	private void progress(String format, Object... args) {
		progressLine(String.format(Locale.ROOT, format, args));
	}

	private void progressLine(String line) {
		System.out.println("[startup] " + line);
	}

	/**
	 * One measured start.
	 *
	 * @param app the app
	 * @param round the round, from 1 (0 is the uncounted warm-up)
	 * @param seconds from process start to the first SERVING answer
	 * @param foreignLoad share of the machine other processes used meanwhile
	 */
	record Start(String app, int round, double seconds, double foreignLoad) {
	}

	/**
	 * Resident memory of one app.
	 *
	 * @param app the app
	 * @param calls calls made before
	 * @param rssMiB VmRSS after the calls and the idle time
	 * @param anonMiB RssAnon of it: heap, metaspace, stacks, native memory
	 * @param fileMiB RssFile of it: mapped files (the JVM, the AOT cache, jars)
	 * @param shmemMiB RssShmem of it
	 * @param threads the process's threads
	 */
	record Memory(String app, int calls, double rssMiB, double anonMiB, double fileMiB, double shmemMiB, long threads) {
	}

	/**
	 * Command-line options.
	 */
	static final class Options {

		static final String HELP = """
				StartupBench: time from process start to gRPC health SERVING, and idle RSS after calls.

				  --user-service JAR        user-service jar (default user-service/target/user-service-0.1.0-SNAPSHOT.jar)
				  --chat-service JAR        chat-service jar (default chat-service/target/chat-service-0.1.0-SNAPSHOT.jar)
				  --peer NAME=JAR           a peer hello service, run with java -jar (repeatable; default the two
				                            of bench/peers: hello-netdevh and hello-boot4)
				  --java-home DIR           the JDK that runs every app (default: the one running the harness)
				  --starts N                measured starts of each app (default 5)
				  --warm-ups N              uncounted starts of each app first (default 1)
				  --calls N                 calls before the idle RSS is read (default 1000)
				  --idle-seconds N          idle time before the RSS is read (default 10)
				  --no-plain-samples        do not also start the samples with plain java -jar
				  --reuse-cache             keep an extracted sample and its cache from an earlier run with the
				                            same jar and JDK (default: extract and train again)
				  --breakdown               start the RSS measurement with -XX:NativeMemoryTracking=summary and
				                            a GC log (APP-memory-gc.log), and
				                            write what the RSS consists of (smaps, NMT, heap, threads, heap
				                            histogram) to bench/target/startup-bench-logs/APP-memory-breakdown.txt
				                            (NMT costs memory of its own: the RSS is then a little higher)
				  --jvm-options OPTIONS     JAVA_TOOL_OPTIONS of every app (default the image's:
				                            -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError)
				  --memory-limit SIZE       run each app in a memory cgroup limited to SIZE (768Mi, 1Gi, bytes),
				                            as in a Kubernetes pod with that limit: the JVM sizes its heap and
				                            picks its collector from it (needs root and a writable cgroup)
				  --max-foreign-load X      wait before a start until other processes use at most this share
				                            of the machine (default 0.25; 1 never waits)
				  --script FILE             the start-up cache script (default deploy/jvm/start-up-cache)
				  --results DIR             where the report goes (default bench/results)
				Run from the repository's root.
				""";

		Path userService = Path.of("user-service/target/user-service-0.1.0-SNAPSHOT.jar");

		Path chatService = Path.of("chat-service/target/chat-service-0.1.0-SNAPSHOT.jar");

		Map<String, Path> peers = new LinkedHashMap<>();

		Path javaHome = Path.of(System.getProperty("java.home"));

		int starts = 5;

		int calls = 1000;

		int warmUps = 1;

		Duration idle = Duration.ofSeconds(10);

		boolean plainSamples = true;

		boolean reuseCache;

		boolean breakdown;

		double maxForeignLoad = 0.25;

		String jvmOptions = StartupApp.IMAGE_JVM_OPTIONS;

		long memoryLimit;

		Path script = Path.of("deploy/jvm/start-up-cache");

		Path results = Path.of("bench/results");

		static Options parse(String[] args) {
			Options options = new Options();
			for (int i = 0; i < args.length; i++) {
				String arg = args[i];
				switch (arg) {
					case "--help", "-h" -> {
						return null;
					}
					case "--no-plain-samples" -> options.plainSamples = false;
					case "--reuse-cache" -> options.reuseCache = true;
					case "--breakdown" -> options.breakdown = true;
					default -> {
						if (i + 1 >= args.length) {
							throw new IllegalArgumentException("Missing value of " + arg + "\n" + HELP);
						}
						String value = args[++i];
						switch (arg) {
							case "--user-service" -> options.userService = Path.of(value);
							case "--chat-service" -> options.chatService = Path.of(value);
							case "--peer" -> {
								int equals = value.indexOf('=');
								if (equals <= 0) {
									throw new IllegalArgumentException("--peer takes NAME=JAR, not " + value);
								}
								options.peers.put(value.substring(0, equals), Path.of(value.substring(equals + 1)));
							}
							case "--java-home" -> options.javaHome = Path.of(value);
							case "--starts" -> options.starts = Integer.parseInt(value);
							case "--calls" -> options.calls = Integer.parseInt(value);
							case "--warm-ups" -> options.warmUps = Integer.parseInt(value);
							case "--idle-seconds" -> options.idle = Duration.ofSeconds(Long.parseLong(value));
							case "--max-foreign-load" -> options.maxForeignLoad = Double.parseDouble(value);
							case "--jvm-options" -> options.jvmOptions = value;
							case "--memory-limit" -> options.memoryLimit = bytes(value);
							case "--script" -> options.script = Path.of(value);
							case "--results" -> options.results = Path.of(value);
							default -> throw new IllegalArgumentException("Unknown option " + arg + "\n" + HELP);
						}
					}
				}
			}
			if (options.peers.isEmpty()) {
				options.peers.put("hello-netdevh", Path.of("bench/peers/hello-netdevh/target/hello-netdevh.jar"));
				options.peers.put("hello-boot4", Path.of("bench/peers/hello-boot4/target/hello-boot4.jar"));
			}
			for (Path jar : List.of(options.userService, options.chatService)) {
				if (!Files.isRegularFile(jar)) {
					throw new IllegalArgumentException("No jar " + jar + " (build it first)");
				}
			}
			options.peers.values().forEach((jar) -> {
				if (!Files.isRegularFile(jar)) {
					throw new IllegalArgumentException("No jar " + jar + " (build it first)");
				}
			});
			return options;
		}

		// Kubernetes' quantities in binary units, as the charts' limits are written, or plain bytes.
		static long bytes(String size) {
			Matcher matcher = Pattern.compile("([1-9][0-9]{0,12})(Ki|Mi|Gi)?").matcher(size);
			if (!matcher.matches()) {
				throw new IllegalArgumentException("--memory-limit takes a size such as 768Mi, 1Gi or bytes, not " + size
						+ "\n" + HELP);
			}
			int shift = switch (String.valueOf(matcher.group(2))) {
				case "Ki" -> 10;
				case "Mi" -> 20;
				case "Gi" -> 30;
				default -> 0;
			};
			long value = Long.parseLong(matcher.group(1));
			if (value > (Long.MAX_VALUE >> shift)) {
				throw new IllegalArgumentException("--memory-limit " + size + " is larger than any machine\n" + HELP);
			}
			long bytes = value << shift;
			if (bytes < (64L << 20)) {
				throw new IllegalArgumentException("--memory-limit " + size + " is under 64Mi: no JVM app starts in it\n" + HELP);
			}
			return bytes;
		}

	}

}
