package dev.grpcplatform.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * Chat at scale: the packaged chat-service (memory broker on one instance, redis broker on two)
 * against {@link BareChatServer}, bare grpc-java with the same room semantics, in one run.
 *
 * <p>Fan-out: one room of many members, one of them sending at a steady rate; latency from the
 * planned send to each member's delivery, deliveries per second and server CPU per delivery, the
 * variants measured in alternating rounds after a warm-up. Capacity: many idle streams on one
 * instance, the live heap and resident memory they add per stream, and the time a new member then
 * needs to join. Every member checks that it receives every message exactly once and in order.
 */
final class ChatBench {

	private static final int MAX_ATTEMPTS = 3;

	private static final String ROOM = "fanout";

	private final ChatBenchOptions options;

	/**
	 * A development token (chat-service runs under the dev profile) with both scopes a chat client
	 * needs: chat:write for chat-service, users:read for the lookups it forwards the token to.
	 */
	private String token;

	private final List<ChatServerProcess> processes = new ArrayList<>();

	private final String text;

	/**
	 * Time the rest of the run may still spend waiting for a quiet machine and measuring again.
	 */
	private long waitBudgetNanos;

	ChatBench(ChatBenchOptions options) {
		this.options = options;
		this.waitBudgetNanos = TimeUnit.SECONDS.toNanos(options.maxWaitSeconds);
		this.text = "x".repeat(options.textBytes);
	}

	/**
	 * Runs the benchmark; prints the markdown and writes it with the JSON under the results
	 * directory. Exits with 1 if a member missed a message or got one twice or out of order.
	 * @param args options, see {@code --help}
	 * @throws Exception if a server cannot start or the load cannot run
	 */
	static void main(String[] args) throws Exception {
		if (List.of(args).contains("--help")) {
			System.out.print(ChatBenchOptions.USAGE);
			return;
		}
		Run run = new ChatBench(ChatBenchOptions.parse(args)).run(String.join(" ", args));
		System.out.println(run.heading());
		System.out.println();
		System.out.print(run.results().markdown());
		System.out.println();
		System.out.println("Written: " + run.markdown() + " and .json");
		if (!run.deliveredEverything()) {
			System.err.println("Some member did not receive every message exactly once and in order; see above");
			System.exit(1);
		}
	}

	Run run(String arguments) throws Exception {
		long started = System.nanoTime();
		Map<String, Object> settings = settings(arguments);
		ChatBenchResults results = new ChatBenchResults(settings);
		results.describe("bare", "bare grpc-java, rooms in memory");
		results.describe("memory", "chat-service, memory broker, 1 instance");
		results.describe("redis", "chat-service, redis broker, 2 instances");
		this.token = ChatServerProcess.developmentToken(this.options.chatServiceJar(), "chat-bench", "chat:write",
				"users:read");
		try (ChatBenchUsers users = new ChatBenchUsers()) {
			Map<String, Variant> variants;
			try {
				variants = startServers(users);
			}
			catch (Exception | Error ex) {
				this.processes.forEach(ChatServerProcess::close);
				throw ex;
			}
			try {
				if (this.options.phases.contains("fanout")) {
					fanOut(variants, results);
				}
				if (variants.containsKey("redis")) {
					variants.remove("redis").close();
				}
				if (this.options.phases.contains("capacity")) {
					for (Variant variant : variants.values()) {
						results.add(capacity(variant));
					}
				}
			}
			finally {
				variants.values().forEach(Variant::close);
			}
			settings.put("userLookups", users.lookups());
			settings.put("userLookupsRefused", users.refused());
		}
		long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
		settings.put("runSeconds", seconds);
		String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
		String heading = "## grpc-platform chat bench " + stamp
				+ (this.options.quick ? " (quick mode: numbers not judged)" : "") + "\n\n" + settings.get("machine")
				+ "; run time " + (seconds / 60) + " min " + (seconds % 60) + " s; command: "
				+ "`java -jar bench/target/grpc-platform-bench.jar chat" + (arguments.isEmpty() ? "" : " " + arguments)
				+ "`";
		Path markdown = results.write(this.options.resultsDirectory,
				"chat-" + stamp + (this.options.quick ? "-quick" : ""), heading);
		boolean delivered = results.deliveries().stream().allMatch(ChatBenchResults.Delivery::ok);
		return new Run(results, heading, markdown, delivered);
	}

	private Map<String, Variant> startServers(ChatBenchUsers users) throws Exception {
		List<String> common = new ArrayList<>(List.of("grpc.client.user-service.address=static://" + users.target(),
				"spring.grpc.client.channel.user-service.target=static://" + users.target(),
				// The fan-out room lives for the whole run: no GOAWAY after the default 10 minutes.
				"platform.grpc.limits.connection.max-age=2h"));
		common.addAll(this.options.chatProperties);
		Map<String, Variant> variants = new LinkedHashMap<>();
		progress("starting bare grpc-java");
		List<String> classPath = BenchHarness.classPath()
			.stream()
			.filter((entry) -> !BenchHarness.isPlatformStarter(entry))
			.toList();
		variants.put("bare", new Variant("bare", List.of(start(ChatServerProcess.bare("chat-bare", classPath,
				this.options.serverJvmOptions, users.target(), this.options.logDirectory))), null));
		// The chat-service JVMs start side by side; redis-server must accept connections first.
		Path jar = this.options.chatServiceJar();
		if (this.options.variants.contains("memory")) {
			progress("starting chat-service (memory broker)");
			variants.put("memory", new Variant("memory", List.of(start(ChatServerProcess.chatService("chat-memory", jar,
					this.options.serverJvmOptions, common, this.options.logDirectory))), null));
		}
		if (this.options.variants.contains("redis") && this.options.phases.contains("fanout")) {
			progress("starting redis-server and two chat-service instances (redis broker)");
			ChatServerProcess redis = start(ChatServerProcess.redis("redis", this.options.logDirectory));
			List<String> properties = new ArrayList<>(common);
			properties.addAll(List.of("chat.broker.type=redis", "spring.data.redis.host=127.0.0.1",
					"spring.data.redis.port=" + redis.port()));
			List<ChatServerProcess> instances = new ArrayList<>();
			for (int i = 1; i <= 2; i++) {
				instances.add(start(ChatServerProcess.chatService("chat-redis-" + i, jar, this.options.serverJvmOptions,
						properties, this.options.logDirectory)));
			}
			variants.put("redis", new Variant("redis", instances, redis));
		}
		for (ChatServerProcess process : this.processes) {
			process.awaitReady();
		}
		return variants;
	}

	private ChatServerProcess start(ChatServerProcess process) {
		this.processes.add(process);
		return process;
	}

	private void fanOut(Map<String, Variant> variants, ChatBenchResults results) throws Exception {
		for (Variant variant : variants.values()) {
			progress("%s: %d members join room %s over %d instance(s)", variant.name, this.options.members, ROOM,
					variant.servers.size());
			variant.joinFanOutRoom();
		}
		for (Variant variant : variants.values()) {
			progress("warming up %s for %d s at %d messages/s", variant.name, this.options.warmupSeconds,
					this.options.rate);
			measure(variant, this.options.warmupSeconds, 0);
		}
		for (int round = 1; round <= this.options.rounds; round++) {
			for (Variant variant : variants.values()) {
				ChatBenchResults.FanOutRound measured = measureUndisturbed(variant, round);
				results.add(measured);
				progress("round %d/%d %s: %.0f deliveries/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, "
						+ "%.2f µs CPU/delivery (%.0f %% system; harness %.2f µs), others used %.0f %% of the machine",
						round, this.options.rounds, variant.name, measured.deliveriesPerSecond(), measured.p50Millis(),
						measured.p99Millis(), measured.p999Millis(), measured.cpuMicrosPerDelivery(),
						measured.systemShare() * 100, measured.harnessCpuMicrosPerDelivery(), measured.foreignLoad() * 100);
			}
		}
		for (Variant variant : variants.values()) {
			results.add(variant.delivery());
			variant.leaveFanOutRoom();
		}
	}

	/**
	 * Measures a round once the machine is quiet, and again (up to 3 times) if other processes used
	 * more than their share meanwhile, as long as the run's waiting budget lasts: on a machine that
	 * never gets quiet the run keeps to its time and says how busy the machine was.
	 */
	private ChatBenchResults.FanOutRound measureUndisturbed(Variant variant, int round) throws Exception {
		for (int attempt = 1;; attempt++) {
			long waitStart = System.nanoTime();
			MachineLoad.awaitQuiet(pids(), this.options.maxForeignLoad,
					Duration.ofNanos(Math.max(0, Math.min(TimeUnit.SECONDS.toNanos(30), this.waitBudgetNanos))),
					(message) -> progress("%s", message));
			long measureStart = System.nanoTime();
			this.waitBudgetNanos -= measureStart - waitStart;
			ChatBenchResults.FanOutRound measured = measure(variant, this.options.roundSeconds, round);
			if (measured.foreignLoad() <= this.options.maxForeignLoad || attempt == MAX_ATTEMPTS
					|| this.waitBudgetNanos <= 0) {
				return measured.withAttempts(attempt);
			}
			this.waitBudgetNanos -= System.nanoTime() - measureStart;
			progress("round %d %s disturbed: other processes used %.0f %% of the machine; measuring again", round,
					variant.name, measured.foreignLoad() * 100);
		}
	}

	/**
	 * Runs the sender for a ramp and the given time, measures the time after the ramp, then waits
	 * until every member received every message sent.
	 */
	private ChatBenchResults.FanOutRound measure(Variant variant, int seconds, int round) throws Exception {
		SteadySender sender = new SteadySender(variant.sender, this.options.rate, this.text, variant.sent + 1);
		sender.start();
		try {
			Thread.sleep((long) (this.options.rampSeconds * 1000));
			ChatMembers.Snapshot before = variant.members.snapshot();
			long sentBefore = sender.sent();
			MachineLoad.Sample machineBefore = MachineLoad.sample(pids());
			long cpuBefore = variant.serverCpuNanos();
			long redisBefore = variant.redisCpuNanos();
			long systemBefore = variant.serverSystemNanos();
			long harnessBefore = harnessCpuNanos();
			long start = System.nanoTime();
			Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
			ChatMembers.Snapshot after = variant.members.snapshot();
			long cpu = variant.serverCpuNanos() - cpuBefore;
			long system = variant.serverSystemNanos() - systemBefore;
			long redis = variant.redisCpuNanos() - redisBefore;
			long harness = harnessCpuNanos() - harnessBefore;
			double foreign = MachineLoad.sample(pids()).foreignShareSince(machineBefore);
			double elapsed = (System.nanoTime() - start) / 1e9;
			long deliveries = after.deliveries() - before.deliveries();
			Histogram latencies = after.latencies();
			return new ChatBenchResults.FanOutRound(variant.name, round, sender.sent() - sentBefore, deliveries, elapsed,
					deliveries / elapsed, millis(latencies.getValueAtPercentile(50)),
					millis(latencies.getValueAtPercentile(99)), millis(latencies.getValueAtPercentile(99.9)),
					millis(latencies.getMaxValue()), perDelivery(cpu, deliveries), (cpu > 0) ? (double) system / cpu : 0,
					perDelivery(redis, deliveries), perDelivery(harness, deliveries), foreign, 1);
		}
		finally {
			variant.sent = sender.stop();
			variant.awaitDelivered(Duration.ofSeconds(60));
		}
	}

	/**
	 * CPU time of this harness: the members' clients, the sender and the user service.
	 */
	private static long harnessCpuNanos() {
		return ServerProcess.cpuTime("the harness", ProcessHandle.current().pid()).totalNanos();
	}

	private static double millis(long nanos) {
		return nanos / 1e6;
	}

	private static double perDelivery(long nanos, long deliveries) {
		return (deliveries > 0) ? nanos / 1000.0 / deliveries : 0;
	}

	private ChatBenchResults.Capacity capacity(Variant variant) throws Exception {
		ChatServerProcess server = variant.servers.get(0);
		int port = server.port();
		// Every code path of a join and a leave has run before the first heap histogram.
		try (ChatMembers warmUp = new ChatMembers(this.token, this.options.streamsPerChannel)) {
			int count = Math.min(this.options.roomSize, 50);
			warmUp.joinAll(count, this.options.joinsInFlight, (i) -> new ChatMembers.Seat(port, "warmup", 900_001 + i),
					Duration.ofMinutes(2));
		}
		Thread.sleep(2000);
		ChatServerProcess.HeapHistogram heapBefore = server.liveHeap();
		long residentBefore = server.residentBytes();
		int streams = this.options.capacityStreams;
		int rooms = (streams + this.options.roomSize - 1) / this.options.roomSize;
		progress("%s: %d idle streams join %d rooms on one instance", variant.name, streams, rooms);
		try (ChatMembers idle = new ChatMembers(this.token, this.options.streamsPerChannel)) {
			long start = System.nanoTime();
			idle.joinAll(streams, this.options.joinsInFlight,
					(i) -> new ChatMembers.Seat(port, "room-" + (i / this.options.roomSize), 1_000_001 + i),
					Duration.ofMinutes(10));
			double joinSeconds = (System.nanoTime() - start) / 1e9;
			progress("%s: the %d streams joined in %.1f s%s", variant.name, streams, joinSeconds, refusals(idle));
			// The last joins' announcements reach the others.
			Thread.sleep(2000);
			ChatServerProcess.HeapHistogram heapAfter = server.liveHeap();
			long residentAfter = server.residentBytes();
			int connections = idle.connections();
			List<Double> joins = new ArrayList<>();
			for (int probe = 0; probe < this.options.joinProbes; probe++) {
				ChatMembers.Stream member = idle.join(port, "room-" + (probe % rooms), 2_000_001 + probe);
				joins.add(member.joined().get(30, TimeUnit.SECONDS) / 1e6);
				Thread.sleep(100);
			}
			Map<String, Double> growth = new LinkedHashMap<>();
			heapAfter.largestGrowthSince(heapBefore, 15)
				.forEach((entry) -> growth.put(entry.getKey(), entry.getValue() / (double) streams));
			double heapPerStream = (heapAfter.totalBytes() - heapBefore.totalBytes()) / (double) streams;
			progress("%s: %.2f KiB heap and %.2f KiB RSS per idle stream; a new member joins in %.2f ms (median)",
					variant.name, heapPerStream / 1024, (residentAfter - residentBefore) / 1024.0 / streams,
					BenchResults.median(joins));
			return new ChatBenchResults.Capacity(variant.name, streams, connections, heapBefore.totalBytes(),
					heapAfter.totalBytes(), heapPerStream, residentBefore, residentAfter,
					(residentAfter - residentBefore) / (double) streams, joinSeconds, idle.rejoins(), BenchResults.median(joins),
					joins.stream().mapToDouble(Double::doubleValue).max().orElse(0), joins, growth);
		}
	}

	private static String refusals(ChatMembers members) {
		return (members.rejoins() > 0)
				? "; " + members.rejoins() + " join(s) were refused and made again, the first with " + members.firstRefusal()
				: "";
	}

	private List<Long> pids() {
		return this.processes.stream().filter(ChatServerProcess::isAlive).map(ChatServerProcess::pid).toList();
	}

	private Map<String, Object> settings(String arguments) {
		Map<String, Object> settings = new LinkedHashMap<>();
		settings.put("arguments", arguments);
		settings.put("quick", this.options.quick);
		settings.put("members", this.options.members);
		settings.put("rate", this.options.rate);
		settings.put("textBytes", this.options.textBytes);
		settings.put("rounds", this.options.rounds);
		settings.put("roundSeconds", this.options.roundSeconds);
		settings.put("warmupSeconds", this.options.warmupSeconds);
		settings.put("capacityStreams", this.options.capacityStreams);
		settings.put("roomSize", this.options.roomSize);
		settings.put("joinProbes", this.options.joinProbes);
		settings.put("streamsPerChannel", this.options.streamsPerChannel);
		settings.put("joinsInFlight", this.options.joinsInFlight);
		settings.put("variants", this.options.variants);
		settings.put("phases", this.options.phases);
		settings.put("chatProperties", this.options.chatProperties);
		settings.put("serverJvmOptions", this.options.serverJvmOptions);
		settings.put("maxForeignLoad", this.options.maxForeignLoad);
		settings.put("maxWaitSeconds", this.options.maxWaitSeconds);
		settings.put("authentication", "chat-service: dev profile, development token with chat:write users:read, "
				+ "forwarded to the user service; bare: token forwarded, not checked");
		settings.put("userService", "fake platform.user.v1.UserService in the harness process (GetUser answers at once)");
		settings.put("machine", BenchResults.machine(ChatServerProcess.JVM_OPTIONS));
		return settings;
	}

	private static void progress(String format, Object... args) {
		System.err.printf(Locale.ROOT, "[chat-bench] " + format + "%n", args);
	}

	/**
	 * What one run produced.
	 *
	 * @param results the numbers
	 * @param heading heading of the report
	 * @param markdown the written markdown file (the JSON is beside it)
	 * @param deliveredEverything whether every member received every message exactly once and in order
	 */
	record Run(ChatBenchResults results, String heading, Path markdown, boolean deliveredEverything) {
	}

	/**
	 * The servers of one variant and its fan-out room's members.
	 */
	private final class Variant implements AutoCloseable {

		private final String name;

		private final List<ChatServerProcess> servers;

		private final ChatServerProcess redis;

		private ChatMembers members;

		private List<ChatMembers.Stream> streams = List.of();

		private ChatMembers.Stream sender;

		/**
		 * Messages sent to the fan-out room so far.
		 */
		private long sent;

		private double joinSeconds;

		Variant(String name, List<ChatServerProcess> servers, ChatServerProcess redis) {
			this.name = name;
			this.servers = servers;
			this.redis = redis;
		}

		/**
		 * Every member joins; with several instances, member i joins instance i mod n, the sender
		 * (member 0) the first.
		 */
		void joinFanOutRoom() throws InterruptedException {
			this.members = new ChatMembers(ChatBench.this.token, ChatBench.this.options.streamsPerChannel);
			long start = System.nanoTime();
			this.streams = this.members.joinAll(ChatBench.this.options.members, ChatBench.this.options.joinsInFlight,
					(i) -> new ChatMembers.Seat(this.servers.get(i % this.servers.size()).port(), ROOM, i + 1),
					Duration.ofMinutes(5));
			this.joinSeconds = (System.nanoTime() - start) / 1e9;
			this.sender = this.streams.get(0);
			progress("%s: the %d members joined in %.1f s%s", this.name, this.streams.size(), this.joinSeconds,
					refusals(this.members));
		}

		void leaveFanOutRoom() {
			this.members.close();
		}

		void awaitDelivered(Duration timeout) throws InterruptedException {
			long deadline = System.nanoTime() + timeout.toNanos();
			for (ChatMembers.Stream stream : this.streams) {
				while (stream.lastSeq() < this.sent && stream.closed() == null && System.nanoTime() < deadline) {
					Thread.sleep(10);
				}
			}
		}

		ChatBenchResults.Delivery delivery() {
			long received = 0;
			long violations = 0;
			String first = null;
			for (ChatMembers.Stream stream : this.streams) {
				received += Math.min(stream.lastSeq(), this.sent);
				violations += stream.violations();
				String problem = stream.firstViolation();
				if (stream.closed() != null) {
					violations++;
					problem = (problem != null) ? problem
							: "user " + stream.userId() + ": stream ended with " + stream.closed();
				}
				else if (stream.lastSeq() < this.sent) {
					violations++;
					problem = (problem != null) ? problem
							: "user " + stream.userId() + ": received " + stream.lastSeq() + " of " + this.sent;
				}
				first = (first != null) ? first : problem;
			}
			return new ChatBenchResults.Delivery(this.name, this.streams.size(), this.sent, received, violations, first,
					this.joinSeconds, this.members.rejoins());
		}

		long serverCpuNanos() {
			return this.servers.stream().mapToLong((server) -> server.cpuTime().totalNanos()).sum();
		}

		long serverSystemNanos() {
			return this.servers.stream().mapToLong((server) -> server.cpuTime().systemNanos()).sum();
		}

		long redisCpuNanos() {
			return (this.redis != null) ? this.redis.cpuTime().totalNanos() : 0;
		}

		@Override
		public void close() {
			if (this.members != null) {
				this.members.close();
			}
			this.servers.forEach(ChatServerProcess::close);
			if (this.redis != null) {
				this.redis.close();
			}
		}

	}

	/**
	 * Sends on one stream at a fixed rate from a thread of its own; message i is planned at
	 * start + i / rate, whenever the previous send returned.
	 */
	private static final class SteadySender {

		private final ChatMembers.Stream stream;

		private final long periodNanos;

		private final String text;

		private final long firstSeq;

		private final AtomicLong sent = new AtomicLong();

		private final Thread thread;

		private volatile boolean running = true;

		SteadySender(ChatMembers.Stream stream, int rate, String text, long firstSeq) {
			this.stream = stream;
			this.periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
			this.text = text;
			this.firstSeq = firstSeq;
			this.thread = new Thread(this::run, "chat-bench-sender");
		}

		void start() {
			this.thread.start();
		}

		private void run() {
			long start = System.nanoTime();
			for (long i = 0; this.running; i++) {
				long plannedAt = start + i * this.periodNanos;
				long wait;
				while (this.running && (wait = plannedAt - System.nanoTime()) > 0) {
					LockSupport.parkNanos(wait);
				}
				if (!this.running) {
					return;
				}
				this.stream.send(this.firstSeq + i, plannedAt, this.text);
				this.sent.incrementAndGet();
			}
		}

		long sent() {
			return this.sent.get();
		}

		/**
		 * Stops sending.
		 * @return the sequence number of the last message sent
		 */
		long stop() throws InterruptedException {
			this.running = false;
			LockSupport.unpark(this.thread);
			this.thread.join();
			return this.firstSeq + this.sent.get() - 1;
		}

	}

}
