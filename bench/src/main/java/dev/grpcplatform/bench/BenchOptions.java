package dev.grpcplatform.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Settings of one harness run, from the command line.
 */
final class BenchOptions {

	boolean quick;

	int rounds = 6;

	int roundSeconds = 10;

	int unaryWarmupSeconds = 40;

	int streamWarmupSeconds = 15;

	double rampSeconds = 1;

	int concurrency = 32;

	int rate;

	int payloadBytes = 100;

	double maxForeignLoad = 0.10;

	boolean perFeature;

	List<LoadGenerator.Workload> workloads = new ArrayList<>(List.of(LoadGenerator.Workload.UNARY,
			LoadGenerator.Workload.STREAM));

	List<String> variants = new ArrayList<>(List.of("a", "a-pool", "b3", "b4", "c", "d"));

	final List<String> platformProperties = new ArrayList<>();

	final List<String> headers = new ArrayList<>();

	final List<String> serverJvmOptions = new ArrayList<>();

	Path resultsDirectory = Files.isDirectory(Path.of("bench")) ? Path.of("bench", "results") : Path.of("results");

	Path logDirectory = Files.isDirectory(Path.of("bench")) ? Path.of("bench", "target", "bench-logs")
			: Path.of("target", "bench-logs");

	static final String USAGE = """
			usage: java -jar bench/target/grpc-platform-bench.jar [options]
			       java -jar bench/target/grpc-platform-bench.jar chat [options]  (chat-service at scale; chat --help)
			  --quick                  a few seconds per variant: checks the harness, judges nothing
			  --rounds N               measured rounds per workload (default 6)
			  --round-seconds S        length of one measurement (default 10)
			  --warmup-seconds S       warm-up under load per variant before unary rounds (default 40)
			  --stream-warmup-seconds S  warm-up per variant before stream rounds (default 15)
			  --concurrency N          calls (unary) or streams in flight (default 32)
			  --rate N                 unary calls started per second, whatever the server's pace (open
			                           loop; default 0: closed loop of --concurrency calls): every
			                           variant does the same work, so CPU per call is compared at
			                           the same load; pick a rate every variant keeps up with (a call
			                           due while 32 x concurrency, and at least a second's worth, are
			                           in flight is skipped, and the run fails)
			  --payload-bytes N        request and response payload (default 100)
			  --workloads unary,stream which workloads (default both)
			  --variants a,b3,...      which servers (default a,a-pool,b3,b4,c,d): a bare grpc-java,
			                           a-pool: a with the platform's bounded executor, b3 (or b): the
			                           platform on Boot 3.5 + net.devh, b4: the platform on Boot 4.1's
			                           gRPC, c: net.devh defaults, d: Spring Boot 4.1's gRPC defaults;
			                           b3-<feature> (b4-<feature>): the platform without metrics,
			                           tracing, logging (request ids and access log), accesslog (lines
			                           only), security (authentication and scopes), validation, errors,
			                           shutdown or limits (grpc-java's executor); b3-none (b4-none):
			                           every feature off but the bounded executor; b3-stdout
			                           (b4-stdout): every feature on, the access log written to stdout
			                           by the platform (access-log.target=stdout)
			  --per-feature            also a-pool, b3-stdout, b3 without each feature in turn
			                           (b3-metrics, ...) and b3-none
			  --platform-property k=v  extra property for the platform variants (repeatable)
			  --header name=value      metadata the clients of platform variants send (repeatable); by
			                           default they send a bearer token of a secret made for the run
			  --max-foreign-load F     before a round, wait (up to 2 min) until other processes use at most
			                           this share of the machine, and measure it again (up to 3 times) if
			                           they used more meanwhile (default 0.10; 1 = never)
			  --server-jvm-option OPT  extra JVM option of every server (repeatable), e.g. for profiling
			  --results-dir DIR        where results go (default bench/results)
			  --log-dir DIR            server logs (default bench/target/bench-logs)
			""";

	static BenchOptions parse(String... args) {
		BenchOptions options = new BenchOptions();
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			switch (arg) {
				case "--quick" -> options.quick();
				case "--rounds" -> options.rounds = positive(arg, args[++i]);
				case "--round-seconds" -> options.roundSeconds = positive(arg, args[++i]);
				case "--warmup-seconds" -> options.unaryWarmupSeconds = positive(arg, args[++i]);
				case "--stream-warmup-seconds" -> options.streamWarmupSeconds = positive(arg, args[++i]);
				case "--concurrency" -> options.concurrency = positive(arg, args[++i]);
				case "--rate" -> options.rate = positive(arg, args[++i]);
				case "--payload-bytes" -> options.payloadBytes = positive(arg, args[++i]);
				case "--workloads" -> options.workloads = workloads(args[++i]);
				case "--variants" -> options.variants = new ArrayList<>(List.of(args[++i].split(",")));
				case "--per-feature" -> options.perFeature = true;
				case "--platform-property" -> options.platformProperties.add(keyValue(arg, args[++i]));
				case "--header" -> options.headers.add(keyValue(arg, args[++i]));
				case "--server-jvm-option" -> options.serverJvmOptions.add(args[++i]);
				case "--max-foreign-load" -> options.maxForeignLoad = Double.parseDouble(args[++i]);
				case "--results-dir" -> options.resultsDirectory = Path.of(args[++i]);
				case "--log-dir" -> options.logDirectory = Path.of(args[++i]);
				default -> throw new IllegalArgumentException("Unknown option '" + arg + "'\n" + USAGE);
			}
		}
		if (!options.variants.contains("a")) {
			throw new IllegalArgumentException("Variant a (bare grpc-java) is the baseline of every ratio\n" + USAGE);
		}
		return options;
	}

	private void quick() {
		this.quick = true;
		this.rounds = 1;
		this.roundSeconds = 2;
		this.unaryWarmupSeconds = 2;
		this.streamWarmupSeconds = 1;
		this.rampSeconds = 0.5;
		this.concurrency = 8;
		this.maxForeignLoad = 1;
	}

	private static int positive(String option, String value) {
		int number = Integer.parseInt(value);
		if (number <= 0) {
			throw new IllegalArgumentException(option + " must be positive, not " + value);
		}
		return number;
	}

	static String keyValue(String option, String value) {
		if (value.indexOf('=') <= 0) {
			throw new IllegalArgumentException(option + " takes name=value, not '" + value + "'");
		}
		return value;
	}

	private static List<LoadGenerator.Workload> workloads(String value) {
		List<LoadGenerator.Workload> workloads = new ArrayList<>();
		for (String name : value.split(",")) {
			workloads.add(LoadGenerator.Workload.valueOf(name.trim().toUpperCase(Locale.ROOT)));
		}
		return workloads;
	}

}
