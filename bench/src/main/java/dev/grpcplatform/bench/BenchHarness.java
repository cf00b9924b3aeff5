package dev.grpcplatform.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
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
	 * @param args options, see {@code --help}
	 * @throws Exception if a server cannot start or the load cannot run
	 */
	public static void main(String[] args) throws Exception {
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
			System.err.println(harness.totalFailures + " call(s) failed; see the server logs in "
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
		List<ServerProcess> servers = this.servers;
		Map<String, LoadGenerator> loads = new LinkedHashMap<>();
		try {
			for (ServerVariant variant : variants) {
				progress("starting %s (%s)", variant.name(), variant.description());
				List<String> variantClassPath = variant.withPlatform() ? classPath
						: classPath.stream().filter((entry) -> !isPlatformStarter(entry)).toList();
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
						progress("%s round %d/%d %s: %.0f calls/s, %.1f µs CPU/call (%.0f %% system), p99 %.0f µs, "
								+ "%d failed, others used %.0f %% of the machine", workload.label(), round,
								this.options.rounds, server.variant().name(), measured.qps(), measured.cpuMicrosPerCall(),
								measured.systemShare() * 100, measured.p99Micros(), measured.failures(),
								measured.foreignLoad() * 100);
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

	/**
	 * Waits (up to two minutes) until other processes use at most the tolerated share of the machine,
	 * so that rounds are measured while the harness has the machine to itself.
	 */
	private void awaitQuietMachine() throws InterruptedException {
		if (this.options.maxForeignLoad >= 1) {
			return;
		}
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
		boolean announced = false;
		while (System.nanoTime() < deadline) {
			MachineLoad.Sample before = MachineLoad.sample(this.servers);
			Thread.sleep(1000);
			double foreign = MachineLoad.sample(this.servers).foreignShareSince(before);
			if (foreign <= this.options.maxForeignLoad) {
				return;
			}
			if (!announced) {
				progress("waiting for other processes to leave the machine (they use %.0f %%)", foreign * 100);
				announced = true;
			}
		}
	}

	private BenchResults.Round measureOnce(ServerProcess server, LoadGenerator load, LoadGenerator.Workload workload,
			int seconds, int round) throws InterruptedException {
		load.start(workload, this.options.concurrency);
		try {
			Thread.sleep((long) (this.options.rampSeconds * 1000));
			LoadGenerator.Snapshot before = load.snapshot();
			MachineLoad.Sample machineBefore = MachineLoad.sample(this.servers);
			ServerProcess.CpuTime cpuBefore = server.cpuTime();
			long start = System.nanoTime();
			Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
			LoadGenerator.Snapshot after = load.snapshot();
			ServerProcess.CpuTime cpuAfter = server.cpuTime();
			double foreignLoad = MachineLoad.sample(this.servers).foreignShareSince(machineBefore);
			double elapsed = (System.nanoTime() - start) / 1e9;
			long calls = after.completed() - before.completed();
			long failures = after.failed() - before.failed();
			Histogram latencies = after.latencies();
			long cpuNanos = cpuAfter.totalNanos() - cpuBefore.totalNanos();
			long systemNanos = cpuAfter.systemNanos() - cpuBefore.systemNanos();
			return new BenchResults.Round(workload.label(), server.variant().name(), round, calls, failures, elapsed,
					calls / elapsed, (calls > 0) ? cpuNanos / 1000.0 / calls : 0,
					(cpuNanos > 0) ? (double) systemNanos / cpuNanos : 0,
					latencies.getValueAtPercentile(50) / 1000.0, latencies.getValueAtPercentile(99) / 1000.0,
					latencies.getValueAtPercentile(99.9) / 1000.0, foreignLoad, 1);
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
		List<ServerVariant> variants = new ArrayList<>();
		for (String name : this.options.variants) {
			switch (name) {
				case "a" -> variants.add(ServerVariant.bare());
				case "a-pool" -> variants.add(ServerVariant.barePooled());
				case "b" -> variants.add(platform);
				case "c" -> variants.add(ServerVariant.netDevh());
				default -> variants.add(ServerVariant.platformWithoutEachFeature(platform)
					.stream()
					.filter((variant) -> variant.name().equals(name))
					.findFirst()
					.orElseThrow(() -> new IllegalArgumentException(
							"Unknown variant '" + name + "'\n" + BenchOptions.USAGE)));
			}
		}
		if (this.options.perFeature) {
			List<ServerVariant> extra = new ArrayList<>(List.of(ServerVariant.barePooled()));
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
		settings.put("payloadBytes", this.options.payloadBytes);
		settings.put("platformProperties", this.options.platformProperties);
		settings.put("platformAuthentication", "HS256 bearer token, scope " + BenchSecurity.SCOPE
				+ " required of every bench method (per-run secret)");
		settings.put("serverJvmOptions", this.options.serverJvmOptions);
		settings.put("maxForeignLoad", this.options.maxForeignLoad);
		settings.put("headers", this.options.headers.stream().map((header) -> header.substring(0, header.indexOf('=')))
			.toList());
		settings.put("machine", Runtime.getRuntime().availableProcessors() + " CPUs, Java "
				+ System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
				+ System.getProperty("os.arch") + ", server JVMs -Xms512m -Xmx512m -XX:+UseG1GC");
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

	private static void addJars(List<String> entries, Path directory) throws IOException {
		try (Stream<Path> jars = Files.list(directory)) {
			jars.filter((path) -> path.toString().endsWith(".jar")).sorted().forEach((path) -> entries.add(path.toString()));
		}
	}

	static boolean isPlatformStarter(String entry) {
		Path path = Path.of(entry);
		String name = path.getFileName().toString();
		return name.startsWith("grpc-platform-spring-boot-starter") || name.startsWith("grpc-platform-spring-boot3-starter")
				|| name.startsWith("grpc-platform-core")
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
