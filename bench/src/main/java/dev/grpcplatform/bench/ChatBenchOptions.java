package dev.grpcplatform.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Settings of one run of the chat benchmark ({@code chat} command of the harness), from the command
 * line.
 */
final class ChatBenchOptions {

	/**
	 * Variants in the order they are measured in each round: bare grpc-java first, the baseline.
	 */
	static final List<String> VARIANTS = List.of("bare", "memory", "redis");

	static final List<String> PHASES = List.of("fanout", "capacity");

	boolean quick;

	int members = 1000;

	int rate = 50;

	int textBytes = 100;

	int rounds = 5;

	int roundSeconds = 10;

	int warmupSeconds = 20;

	double rampSeconds = 1;

	int capacityStreams = 10_000;

	int roomSize = 100;

	int joinProbes = 20;

	int streamsPerChannel = 190;

	int joinsInFlight = 16;

	double maxForeignLoad = 0.10;

	int maxWaitSeconds = 180;

	List<String> variants = new ArrayList<>(VARIANTS);

	List<String> phases = new ArrayList<>(PHASES);

	final List<String> chatProperties = new ArrayList<>();

	final List<String> serverJvmOptions = new ArrayList<>();

	Path chatServiceJar;

	Path resultsDirectory = Files.isDirectory(Path.of("bench")) ? Path.of("bench", "results") : Path.of("results");

	Path logDirectory = Files.isDirectory(Path.of("bench")) ? Path.of("bench", "target", "chat-bench-logs")
			: Path.of("target", "chat-bench-logs");

	static final String USAGE = """
			usage: java -jar bench/target/grpc-platform-bench.jar chat [options]
			  --quick                   a few seconds, 50 members, 500 streams: checks that every member got
			                            every message once and in order, judges no number
			  --members N               members of the fan-out room (default 1000), one of them the sender
			  --rate R                  messages the sender sends per second (default 50)
			  --text-bytes N            text of each message (default 100)
			  --rounds N                measured fan-out rounds per variant (default 5)
			  --round-seconds S         length of one fan-out measurement (default 10)
			  --warmup-seconds S        fan-out at the same rate per variant before the rounds (default 20)
			  --capacity-streams N      idle Chat streams opened on one instance (default 10000)
			  --room-size N             members per room of the capacity streams (default 100)
			  --join-probes N           new members joining one by one after the capacity streams (default 20)
			  --joins-in-flight N       joins sent before their Joined came back, at most (default 16)
			  --streams-per-channel N   streams per client connection (default 190: chat-service allows 200
			                            calls per connection, platform.grpc.limits.max-concurrent-calls-per-connection)
			  --variants bare,memory,redis  bare grpc-java (always), chat-service with the memory broker,
			                            chat-service twice with the redis broker (default all)
			  --phases fanout,capacity  which measurements (default both; capacity runs on bare and memory)
			  --chat-service-jar PATH   the packaged chat-service (default chat-service/target/chat-service-*.jar)
			  --chat-property k=v       extra property of every chat-service instance (repeatable)
			  --server-jvm-option OPT   extra JVM option of every server (repeatable)
			  --max-foreign-load F      before a round, wait (up to 30 s) until other processes use at most
			                            this share of the machine, and measure again (up to 3 times) if they
			                            used more meanwhile (default 0.10; 1 = never)
			  --max-wait-seconds S      time the whole run may spend on such waits and repeats (default 180)
			  --results-dir DIR         where results go (default bench/results)
			  --log-dir DIR             server logs (default bench/target/chat-bench-logs)
			""";

	static ChatBenchOptions parse(String... args) {
		ChatBenchOptions options = new ChatBenchOptions();
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			switch (arg) {
				case "--quick" -> options.quick();
				case "--members" -> options.members = atLeast(arg, value(args, ++i), 2);
				case "--rate" -> options.rate = atLeast(arg, value(args, ++i), 1);
				case "--text-bytes" -> options.textBytes = atLeast(arg, value(args, ++i), 1);
				case "--rounds" -> options.rounds = atLeast(arg, value(args, ++i), 1);
				case "--round-seconds" -> options.roundSeconds = atLeast(arg, value(args, ++i), 1);
				case "--warmup-seconds" -> options.warmupSeconds = atLeast(arg, value(args, ++i), 1);
				case "--capacity-streams" -> options.capacityStreams = atLeast(arg, value(args, ++i), 1);
				case "--room-size" -> options.roomSize = atLeast(arg, value(args, ++i), 1);
				case "--join-probes" -> options.joinProbes = atLeast(arg, value(args, ++i), 1);
				case "--joins-in-flight" -> options.joinsInFlight = atLeast(arg, value(args, ++i), 1);
				case "--streams-per-channel" -> options.streamsPerChannel = atLeast(arg, value(args, ++i), 1);
				case "--variants" -> options.variants = names(arg, value(args, ++i), VARIANTS);
				case "--phases" -> options.phases = names(arg, value(args, ++i), PHASES);
				case "--chat-service-jar" -> options.chatServiceJar = Path.of(value(args, ++i));
				case "--chat-property" -> options.chatProperties.add(BenchOptions.keyValue(arg, value(args, ++i)));
				case "--server-jvm-option" -> options.serverJvmOptions.add(value(args, ++i));
				case "--max-foreign-load" -> options.maxForeignLoad = Double.parseDouble(value(args, ++i));
				case "--max-wait-seconds" -> options.maxWaitSeconds = atLeast(arg, value(args, ++i), 0);
				case "--results-dir" -> options.resultsDirectory = Path.of(value(args, ++i));
				case "--log-dir" -> options.logDirectory = Path.of(value(args, ++i));
				default -> throw new IllegalArgumentException("Unknown option '" + arg + "'\n" + USAGE);
			}
		}
		if (!options.variants.contains("bare")) {
			throw new IllegalArgumentException("Variant bare (grpc-java) is the baseline of every ratio\n" + USAGE);
		}
		return options;
	}

	private void quick() {
		this.quick = true;
		this.members = 50;
		this.rate = 20;
		this.rounds = 1;
		this.roundSeconds = 2;
		this.warmupSeconds = 1;
		this.rampSeconds = 0.5;
		this.capacityStreams = 500;
		this.roomSize = 50;
		this.joinProbes = 3;
		this.maxForeignLoad = 1;
	}

	/**
	 * Returns the chat-service jar: the one given, else the one the reactor build packaged.
	 * @return the jar
	 * @throws IllegalStateException if there is none
	 */
	Path chatServiceJar() throws IOException {
		if (this.chatServiceJar != null) {
			if (!Files.isRegularFile(this.chatServiceJar)) {
				throw new IllegalStateException(this.chatServiceJar + " does not exist");
			}
			return this.chatServiceJar;
		}
		for (Path target : List.of(Path.of("chat-service", "target"), Path.of("..", "chat-service", "target"))) {
			if (Files.isDirectory(target)) {
				try (Stream<Path> files = Files.list(target)) {
					Optional<Path> jar = files.filter((file) -> file.getFileName().toString().matches("chat-service-.*\\.jar"))
						.findFirst();
					if (jar.isPresent()) {
						return jar.get();
					}
				}
			}
		}
		throw new IllegalStateException("chat-service/target/chat-service-*.jar is missing: build it first "
				+ "(./mvnw -q -pl bench -am package -DskipTests) or give --chat-service-jar");
	}

	private static String value(String[] args, int i) {
		if (i >= args.length) {
			throw new IllegalArgumentException(args[i - 1] + " needs a value\n" + USAGE);
		}
		return args[i];
	}

	private static int atLeast(String option, String value, int minimum) {
		int number = Integer.parseInt(value);
		if (number < minimum) {
			throw new IllegalArgumentException(option + " must be at least " + minimum + ", not " + value);
		}
		return number;
	}

	private static List<String> names(String option, String value, List<String> known) {
		List<String> names = new ArrayList<>();
		for (String name : value.split(",")) {
			if (!known.contains(name.trim())) {
				throw new IllegalArgumentException(option + ": unknown '" + name + "', expected some of " + known + "\n"
						+ USAGE);
			}
			names.add(name.trim());
		}
		// Measured in the fixed order, whatever order they were given in.
		return known.stream().filter(names::contains).toList();
	}

}
