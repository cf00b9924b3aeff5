package dev.grpcplatform.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;

/**
 * Load harness: runs the same small service on (a) a bare grpc-java Netty server, (b) the platform
 * starter with every feature on and (c) net.devh with its defaults, each in its own JVM, and compares
 * throughput, latency and server CPU time per call.
 *
 * <p>Each variant is warmed up under load, then the variants are measured in alternating rounds
 * (a b c a b c ...); the report gives medians over rounds and medians of the in-round ratios to (a),
 * because two fresh JVMs of the same server can land far apart and a slow phase of the machine
 * affects all variants of a round alike.
 */
public final class BenchHarness {

	private static final int MAX_ATTEMPTS = 3;

	private final BenchOptions options;

	private final List<ServerProcess> servers = new ArrayList<>();

	private final BenchSecurity security = BenchSecurity.generate();

	private long totalFailures;

	BenchHarness(BenchOptions options) {
		this.options = options;
	}

	/**
	 * Runs the harness; prints the markdown table and writes it with the JSON under the results
	 * directory. Exits with 1 if any call failed.
	 * @param args options, see {@code --help}; {@code chat [options]} runs the chat benchmark
	 * ({@link ChatBench}) instead
	 * @throws Exception if a server cannot start or the load cannot run
	 */
	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("chat")) {
			ChatBench.main(Arrays.copyOfRange(args, 1, args.length));
			return;
		}
		if (List.of(args).contains("--help")) {
			System.out.print(BenchOptions.USAGE);
			return;
		}
		BenchHarness harness = new BenchHarness(BenchOptions.parse(args));
		Run run = harness.run(String.join(" ", args));
		System.out.println(run.heading());
		System.out.println();
		System.out.print(run.results().markdown());
		System.out.println();
		System.out.println("Written: " + run.markdown() + " and .json");
		if (harness.totalFailures > 0) {
			System.err.println(harness.totalFailures + " call(s) failed or skipped; see the server logs in "
					+ harness.options.logDirectory);
			System.exit(1);
		}
	}

	Run run(String arguments) throws Exception {
		List<ServerVariant> variants = variants();
		Map<String, Object> settings = settings(arguments);
		BenchResults results = new BenchResults(settings);
		variants.forEach(results::describe);
		List<String> classPath = classPath();
		List<String> boot4ClassPath = variants.stream().anyMatch(ServerVariant::boot4) ? boot4ClassPath() : List.of();
		List<ServerProcess> servers = this.servers;
		Map<String, LoadGenerator> loads = new LinkedHashMap<>();
		try {
			for (ServerVariant variant : variants) {
				progress("starting %s (%s)", variant.name(), variant.description());
				List<String> lineClassPath = variant.boot4() ? boot4ClassPath : classPath;
				List<String> variantClassPath = variant.withPlatform() ? lineClassPath
						: lineClassPath.stream()
							.filter((entry) -> !isPlatformStarter(entry)
									|| (variant.withPlatformExecutor() && isPlatformCore(entry)))
							.toList();
				ServerProcess server = ServerProcess.start(variant, variantClassPath, this.options.serverJvmOptions,
						Map.of(BenchSecurity.SECRET_VARIABLE, this.security.secret()), this.options.logDirectory,
						Duration.ofMinutes(2));
				servers.add(server);
				loads.put(variant.name(),
						new LoadGenerator(server.port(), variant.headers(), this.options.payloadBytes));
			}
			for (LoadGenerator.Workload workload : this.options.workloads) {
				int warmup = (workload == LoadGenerator.Workload.UNARY) ? this.options.unaryWarmupSeconds
						: this.options.streamWarmupSeconds;
				for (ServerProcess server : servers) {
					progress("warming up %s %s for %d s", server.variant().name(), workload.label(), warmup);
					measure(server, loads.get(server.variant().name()), workload, warmup, 0);
				}
				for (int round = 1; round <= this.options.rounds; round++) {
					for (ServerProcess server : servers) {
						BenchResults.Round measured = measure(server, loads.get(server.variant().name()), workload,
								this.options.roundSeconds, round);
						results.add(measured);
						progress("%s round %d/%d %s: %.0f calls/s, %.1f µs CPU/call (%.0f %% system), %.0f B/call, "
								+ "p99 %.0f µs, %d failed, others used %.0f %% of the machine", workload.label(), round,
								this.options.rounds, server.variant().name(), measured.qps(), measured.cpuMicrosPerCall(),
								measured.systemShare() * 100, measured.allocatedBytesPerCall(), measured.p99Micros(),
								measured.failures(), measured.foreignLoad() * 100);
					}
				}
			}
		}
		finally {
			for (LoadGenerator load : loads.values()) {
				load.close();
			}
			for (ServerProcess server : servers) {
				server.close();
			}
			servers.clear();
		}
		String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
		String heading = "## grpc-platform bench " + stamp + (this.options.quick ? " (quick mode: numbers not judged)" : "")
				+ "\n\n" + settings.get("machine") + "; command: `java -jar bench/target/grpc-platform-bench.jar"
				+ (arguments.isEmpty() ? "" : " " + arguments) + "`";
		Path markdown = results.write(this.options.resultsDirectory,
				"bench-" + stamp + (this.options.quick ? "-quick" : ""), heading);
		return new Run(results, heading, markdown, this.totalFailures);
	}

	private BenchResults.Round measure(ServerProcess server, LoadGenerator load, LoadGenerator.Workload workload,
			int seconds, int round) throws InterruptedException {
		for (int attempt = 1;; attempt++) {
			if (round > 0) {
				awaitQuietMachine();
			}
			BenchResults.Round measured = measureOnce(server, load, workload, seconds, round);
			if (round == 0 || measured.foreignLoad() <= this.options.maxForeignLoad || attempt == MAX_ATTEMPTS) {
				return measured.withAttempts(attempt);
			}
			progress("%s round %d %s disturbed: other processes used %.0f %% of the machine; measuring again",
					workload.label(), round, server.variant().name(), measured.foreignLoad() * 100);
			Thread.sleep(2000);
		}
	}

	private void awaitQuietMachine() throws InterruptedException {
		MachineLoad.awaitQuiet(pids(), this.options.maxForeignLoad, Duration.ofMinutes(2),
				(message) -> progress("%s", message));
	}

	private List<Long> pids() {
		return this.servers.stream().map(ServerProcess::pid).toList();
	}

	private BenchResults.Round measureOnce(ServerProcess server, LoadGenerator load, LoadGenerator.Workload workload,
			int seconds, int round) throws InterruptedException {
		load.start(workload, this.options.concurrency, this.options.rate);
		try {
			Thread.sleep((long) (this.options.rampSeconds * 1000));
			LoadGenerator.Snapshot before = load.snapshot();
			MachineLoad.Sample machineBefore = MachineLoad.sample(pids());
			Map<Long, Long> allocatedBefore = server.allocatedBytes();
			ServerProcess.CpuTime cpuBefore = server.cpuTime();
			Map<Long, ThreadCpu.Sample> threadsBefore = ThreadCpu.sample(server.pid());
			long start = System.nanoTime();
			Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
			LoadGenerator.Snapshot after = load.snapshot();
			ServerProcess.CpuTime cpuAfter = server.cpuTime();
			Map<Long, ThreadCpu.Sample> threadsAfter = ThreadCpu.sample(server.pid());
			long allocated = AllocationProbe.allocatedBetween(allocatedBefore, server.allocatedBytes());
			double foreignLoad = MachineLoad.sample(pids()).foreignShareSince(machineBefore);
			double elapsed = (System.nanoTime() - start) / 1e9;
			long calls = after.completed() - before.completed();
			long skipped = after.skipped() - before.skipped();
			if (skipped > 0 && round > 0) {
				this.totalFailures += skipped;
				progress("%s round %d %s: %d call(s) skipped, the server fell behind the rate of %d/s",
						workload.label(), round, server.variant().name(), skipped, this.options.rate);
			}
			long failures = after.failed() - before.failed();
			Histogram latencies = after.latencies();
			long cpuNanos = cpuAfter.totalNanos() - cpuBefore.totalNanos();
			long systemNanos = cpuAfter.systemNanos() - cpuBefore.systemNanos();
			Map<String, Double> cpuByThreads = new LinkedHashMap<>();
			ThreadCpu.byGroup(threadsBefore, threadsAfter, cpuNanos)
				.forEach((group, nanos) -> cpuByThreads.put(group, (calls > 0) ? nanos / 1000.0 / calls : 0));
			return new BenchResults.Round(workload.label(), server.variant().name(), round, calls, failures, elapsed,
					calls / elapsed, (calls > 0) ? cpuNanos / 1000.0 / calls : 0,
					(cpuNanos > 0) ? (double) systemNanos / cpuNanos : 0, (calls > 0) ? (double) allocated / calls : 0,
					latencies.getValueAtPercentile(50) / 1000.0, latencies.getValueAtPercentile(99) / 1000.0,
					latencies.getValueAtPercentile(99.9) / 1000.0, foreignLoad, 1, cpuByThreads);
		}
		finally {
			long failedBefore = load.snapshot().failed();
			load.stop();
			long failed = load.snapshot().failed();
			this.totalFailures += failed - failedBefore;
			if (failed > 0 && load.firstFailure() != null && this.totalFailures > 0) {
				progress("%s: %d call(s) failed so far, first with %s", server.variant().name(), failed,
						load.firstFailure());
			}
		}
	}

	private List<ServerVariant> variants() {
		// Every feature on includes authentication and authorization: a token with the bench scope.
		List<String> properties = new ArrayList<>(this.security.serverProperties());
		properties.addAll(this.options.platformProperties);
		List<String> headers = new ArrayList<>();
		if (this.options.headers.stream().noneMatch((header) -> header.regionMatches(true, 0, "authorization=", 0, 14))) {
			headers.add(this.security.authorizationHeader());
		}
		headers.addAll(this.options.headers);
		ServerVariant platform = ServerVariant.platform(properties, headers);
		ServerVariant platformOnBoot4 = ServerVariant.platformOnBoot4(properties, headers);
		List<ServerVariant> withoutEachFeature = new ArrayList<>(ServerVariant.platformWithoutEachFeature(platform));
		withoutEachFeature.addAll(ServerVariant.platformWithoutEachFeature(platformOnBoot4));
		withoutEachFeature.add(ServerVariant.withAccessLogOnStdout(platform));
		withoutEachFeature.add(ServerVariant.withAccessLogOnStdout(platformOnBoot4));
		List<ServerVariant> variants = new ArrayList<>();
		for (String name : this.options.variants) {
			switch (name) {
				case "a" -> variants.add(ServerVariant.bare());
				case "a-pool" -> variants.add(ServerVariant.barePooled());
				case "b", "b3" -> variants.add(platform);
				case "b4" -> variants.add(platformOnBoot4);
				case "c" -> variants.add(ServerVariant.netDevh());
				case "d" -> variants.add(ServerVariant.springBoot4());
				default -> variants.add(withoutEachFeature.stream()
					.filter((variant) -> variant.name().equals(name))
					.findFirst()
					.orElseThrow(() -> new IllegalArgumentException(
							"Unknown variant '" + name + "'\n" + BenchOptions.USAGE)));
			}
		}
		if (this.options.perFeature) {
			List<ServerVariant> extra = new ArrayList<>(List.of(ServerVariant.barePooled()));
			extra.add(ServerVariant.withAccessLogOnStdout(platform));
			extra.addAll(ServerVariant.platformWithoutEachFeature(platform));
			for (ServerVariant variant : extra) {
				if (variants.stream().noneMatch((chosen) -> chosen.name().equals(variant.name()))) {
					variants.add(variant);
				}
			}
		}
		return variants;
	}

	private Map<String, Object> settings(String arguments) {
		Map<String, Object> settings = new LinkedHashMap<>();
		settings.put("arguments", arguments);
		settings.put("quick", this.options.quick);
		settings.put("rounds", this.options.rounds);
		settings.put("roundSeconds", this.options.roundSeconds);
		settings.put("unaryWarmupSeconds", this.options.unaryWarmupSeconds);
		settings.put("streamWarmupSeconds", this.options.streamWarmupSeconds);
		settings.put("concurrency", this.options.concurrency);
		settings.put("rate", this.options.rate);
		settings.put("payloadBytes", this.options.payloadBytes);
		settings.put("platformProperties", this.options.platformProperties);
		settings.put("platformAuthentication", "HS256 bearer token, scope " + BenchSecurity.SCOPE
				+ " required of every bench method (per-run secret)");
		settings.put("serverJvmOptions", this.options.serverJvmOptions);
		settings.put("maxForeignLoad", this.options.maxForeignLoad);
		settings.put("headers", this.options.headers.stream().map((header) -> header.substring(0, header.indexOf('=')))
			.toList());
		settings.put("machine", BenchResults.machine(ServerProcess.JVM_OPTIONS));
		return settings;
	}

	/**
	 * Class path of the server JVMs: this harness's own, which {@code java -jar} reduces to the jar
	 * (its dependencies are in {@code lib/} beside it, the starter in {@code platform-lib/}).
	 */
	static List<String> classPath() throws IOException {
		List<String> entries = new ArrayList<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
		if (entries.size() == 1 && entries.get(0).endsWith(".jar")) {
			Path jar = Path.of(entries.get(0)).toAbsolutePath();
			addJars(entries, jar.resolveSibling("lib"));
			addJars(entries, jar.resolveSibling("platform-lib"));
		}
		return entries.stream().map((entry) -> Path.of(entry).toAbsolutePath().toString()).toList();
	}

	/**
	 * Class path of the Spring Boot 4.1 server JVMs: the jar of {@code bench/boot4} and its
	 * dependencies, from {@code -Dbench.boot4.directory} or else {@code ../boot4/target} beside the
	 * harness's jar.
	 */
	static List<String> boot4ClassPath() throws IOException {
		String configured = System.getProperty("bench.boot4.directory");
		Path directory;
		if (configured != null) {
			directory = Path.of(configured);
		}
		else {
			Path jar = Path.of(System.getProperty("java.class.path").split(File.pathSeparator)[0]).toAbsolutePath();
			directory = jar.getParent().resolveSibling("boot4").resolve("target");
		}
		Path jar = directory.resolve("grpc-platform-bench-boot4.jar");
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("No " + jar + ": build it with ./mvnw -pl bench -am package -DskipTests");
		}
		List<String> entries = new ArrayList<>(List.of(jar.toString()));
		addJars(entries, directory.resolve("lib"));
		addJars(entries, directory.resolve("platform-lib"));
		return entries.stream().map((entry) -> Path.of(entry).toAbsolutePath().toString()).toList();
	}

	private static void addJars(List<String> entries, Path directory) throws IOException {
		try (Stream<Path> jars = Files.list(directory)) {
			jars.filter((path) -> path.toString().endsWith(".jar")).sorted().forEach((path) -> entries.add(path.toString()));
		}
	}

	/**
	 * Whether a class path entry is the platform's core (where {@code GrpcServerExecutor} lives).
	 * @param entry the entry
	 * @return whether it is the core's jar or classes
	 */
	static boolean isPlatformCore(String entry) {
		Path path = Path.of(entry);
		return path.getFileName().toString().startsWith("grpc-platform-core")
				|| (path.getFileName().toString().equals("classes") && path.getParent() != null
						&& path.getParent().getParent() != null
						&& path.getParent().getParent().getFileName().toString().equals("core"));
	}

	static boolean isPlatformStarter(String entry) {
		Path path = Path.of(entry);
		String name = path.getFileName().toString();
		return name.startsWith("grpc-platform-spring-boot-starter") || name.startsWith("grpc-platform-spring-boot3-starter")
				|| name.startsWith("grpc-platform-spring-boot4-starter") || name.startsWith("grpc-platform-core")
				|| (name.startsWith("grpc-netty-shaded") && path.getParent() != null
						&& path.getParent().getFileName().toString().equals("platform-lib"))
				|| (name.equals("classes") && path.getParent() != null
						&& path.getParent().getParent() != null
						&& path.getParent().getParent().getFileName().toString().equals("starter-autoconfigure"));
	}

	private static void progress(String format, Object... args) {
		System.err.printf("[bench] " + format + "%n", args);
	}

	/**
	 * What one run produced.
	 *
	 * @param results the numbers
	 * @param heading heading of the report
	 * @param markdown the written markdown file (the JSON is beside it)
	 * @param failures calls that failed, warm-up included
	 */
	record Run(BenchResults results, String heading, Path markdown, long failures) {
	}

}
