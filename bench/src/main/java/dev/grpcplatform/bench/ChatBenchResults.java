package dev.grpcplatform.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;


/**
 * The numbers of one chat benchmark run: every fan-out round with the medians per variant and the
 * medians of the in-round ratios to the bare server, whether every member got every message once
 * and in order, and the capacity of idle streams.
 */
final class ChatBenchResults {

	static final double P99_GOAL_MILLIS = 50;

	static final double P99_RATIO_GOAL = 1.5;

	static final double HEAP_GOAL_KIB = 16;

	private final Map<String, Object> settings;

	private final Map<String, String> descriptions = new LinkedHashMap<>();

	private final List<FanOutRound> rounds = new ArrayList<>();

	private final List<Delivery> deliveries = new ArrayList<>();

	private final List<Capacity> capacities = new ArrayList<>();

	ChatBenchResults(Map<String, Object> settings) {
		this.settings = settings;
	}

	void describe(String variant, String description) {
		this.descriptions.put(variant, description);
	}

	void add(FanOutRound round) {
		this.rounds.add(round);
	}

	void add(Delivery delivery) {
		this.deliveries.add(delivery);
	}

	void add(Capacity capacity) {
		this.capacities.add(capacity);
	}

	Map<String, Object> settings() {
		return this.settings;
	}

	List<Delivery> deliveries() {
		return this.deliveries;
	}

	List<Capacity> capacities() {
		return this.capacities;
	}

	List<FanOutSummary> summaries() {
		List<FanOutSummary> summaries = new ArrayList<>();
		for (String variant : this.descriptions.keySet()) {
			List<FanOutRound> own = this.rounds.stream().filter((round) -> round.variant().equals(variant)).toList();
			if (own.isEmpty()) {
				continue;
			}
			List<Double> cpuRatios = new ArrayList<>();
			List<Double> p99Ratios = new ArrayList<>();
			for (FanOutRound round : own) {
				this.rounds.stream()
					.filter((base) -> base.variant().equals("bare") && base.round() == round.round())
					.findFirst()
					.ifPresent((base) -> {
						cpuRatios.add(round.cpuMicrosPerDelivery() / base.cpuMicrosPerDelivery());
						p99Ratios.add(round.p99Millis() / base.p99Millis());
					});
			}
			summaries.add(new FanOutSummary(variant, this.descriptions.get(variant),
					median(own, FanOutRound::deliveriesPerSecond), median(own, FanOutRound::p50Millis),
					median(own, FanOutRound::p99Millis), median(own, FanOutRound::p999Millis),
					median(own, FanOutRound::cpuMicrosPerDelivery), median(own, FanOutRound::redisCpuMicrosPerDelivery),
					cpuRatios.isEmpty() ? null : BenchResults.median(cpuRatios),
					p99Ratios.isEmpty() ? null : BenchResults.median(p99Ratios), cpuRatios, p99Ratios));
		}
		return summaries;
	}

	private static double median(List<FanOutRound> rounds, ToDoubleFunction<FanOutRound> value) {
		return BenchResults.median(rounds.stream().map(value::applyAsDouble).toList());
	}

	String markdown() {
		StringBuilder out = new StringBuilder();
		List<FanOutSummary> summaries = summaries();
		if (!summaries.isEmpty()) {
			out.append(String.format(Locale.ROOT, "### Fan-out: one room of %s members, one sender at %s messages/s%n%n",
					this.settings.get("members"), this.settings.get("rate")));
			out.append("| variant | deliveries/s | p50 ms | p99 ms | p99.9 ms | server CPU µs/delivery | CPU ÷ bare "
					+ "| p99 ÷ bare | redis-server CPU µs/delivery |\n");
			out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
			for (FanOutSummary summary : summaries) {
				out.append(String.format(Locale.ROOT, "| %s (%s) | %.0f | %.2f | %.2f | %.2f | %.2f | %s | %s | %s |%n",
						summary.variant(), summary.description(), summary.deliveriesPerSecond(), summary.p50Millis(),
						summary.p99Millis(), summary.p999Millis(), summary.cpuMicrosPerDelivery(),
						ratio(summary.cpuRatio()), ratio(summary.p99Ratio()),
						summary.variant().equals("redis")
								? String.format(Locale.ROOT, "%.2f", summary.redisCpuMicrosPerDelivery()) : ""));
			}
			out.append('\n');
			out.append("Medians over ").append(this.settings.get("rounds")).append(" rounds of ")
				.append(this.settings.get("roundSeconds"))
				.append(" s; ratios are medians of in-round ratios to bare. Latency: from the time the sender was to "
						+ "send a message to its arrival at each member (the sender included). Server CPU: user + system "
						+ "time of the server JVM(s) ÷ deliveries.");
			double maxForeign = this.rounds.stream().mapToDouble(FanOutRound::foreignLoad).max().orElse(0);
			long repeated = this.rounds.stream().filter((round) -> round.attempts() > 1).count();
			out.append(String.format(Locale.ROOT,
					" Other processes used at most %.0f %% of the machine during a kept round (%d round(s) measured again).%n%n",
					maxForeign * 100, repeated));
			for (FanOutSummary summary : summaries) {
				if (!summary.variant().equals("bare")) {
					out.append(String.format(Locale.ROOT, "- %s: p99 %.2f ms %s %.0f ms, %s× bare's p99 %s %.1f×%n",
							summary.variant(), summary.p99Millis(), (summary.p99Millis() <= P99_GOAL_MILLIS) ? "≤" : ">",
							P99_GOAL_MILLIS, ratio(summary.p99Ratio()),
							(summary.p99Ratio() != null && summary.p99Ratio() <= P99_RATIO_GOAL) ? "≤" : ">",
							P99_RATIO_GOAL));
				}
			}
			out.append('\n');
		}
		if (!this.deliveries.isEmpty()) {
			out.append("Delivery check (every member, every message of the run, warm-up included):\n\n");
			for (Delivery delivery : this.deliveries) {
				out.append(String.format(Locale.ROOT, "- %s: %d members × %d messages: %s; the members joined in %.1f s%s%n",
						delivery.variant(), delivery.members(), delivery.messages(),
						delivery.ok() ? "each received exactly once and in order"
								: delivery.violations() + " violation(s), first: " + delivery.firstViolation(),
						delivery.joinSeconds(), rejoined(delivery.rejoins())));
			}
			out.append('\n');
		}
		if (!this.capacities.isEmpty()) {
			Capacity first = this.capacities.get(0);
			out.append(String.format(Locale.ROOT, "### Capacity: %d idle Chat streams on one instance, rooms of %s%n%n",
					first.streams(), this.settings.get("roomSize")));
			out.append("| variant | connections | heap KiB/stream | RSS outside the heap KiB/stream | live heap MiB before → after "
					+ "| RSS MiB before → after | join → joined p50 ms | max ms |\n");
			out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
			for (Capacity capacity : this.capacities) {
				out.append(String.format(Locale.ROOT, "| %s (%s) | %d | %.2f | %.2f | %.1f → %.1f | %.1f → %.1f | %.2f | %.2f |%n",
						capacity.variant(), this.descriptions.get(capacity.variant()), capacity.connections(),
						capacity.heapBytesPerStream() / 1024.0, capacity.residentBytesPerStream() / 1024.0,
						mib(capacity.heapBefore()), mib(capacity.heapAfter()), mib(capacity.residentBefore()),
						mib(capacity.residentAfter()), capacity.joinP50Millis(), capacity.joinMaxMillis()));
			}
			out.append('\n');
			out.append("Live heap: `jcmd <pid> GC.class_histogram` (a full collection first) after the streams "
					+ "joined, minus the same before they opened, ÷ streams. RSS: VmRSS of /proc/<pid>/status, "
					+ "likewise, with the heap pre-touched (-XX:+AlwaysPreTouch), so its growth is memory outside the "
					+ "heap. Join: a new member (a user not looked up before) joins a room of the full server, one probe "
					+ "at a time.\n\n");
			for (Capacity capacity : this.capacities) {
				out.append(String.format(Locale.ROOT, "- %s: %.2f KiB of heap per idle member %s %.0f KiB; largest "
						+ "growth per stream: ", capacity.variant(), capacity.heapBytesPerStream() / 1024.0,
						(capacity.heapBytesPerStream() / 1024.0 <= HEAP_GOAL_KIB) ? "≤" : ">", HEAP_GOAL_KIB));
				List<String> classes = new ArrayList<>();
				capacity.growthPerStream()
					.forEach((type, bytes) -> classes.add(String.format(Locale.ROOT, "`%s` %.0f B", type, bytes)));
				classes.subList(Math.min(classes.size(), 8), classes.size()).clear();
				out.append(String.join(", ", classes)).append(String.format(Locale.ROOT,
						"; the %d streams joined in %.1f s%s%n", capacity.streams(), capacity.joinSeconds(),
						rejoined(capacity.rejoins())));
			}
		}
		return out.toString();
	}

	private static String rejoined(long rejoins) {
		return (rejoins > 0) ? " (" + rejoins + " join(s) refused with UNAVAILABLE and made again)" : "";
	}

	private static double mib(long bytes) {
		return bytes / 1024.0 / 1024.0;
	}

	private static String ratio(Double ratio) {
		return (ratio != null) ? String.format(Locale.ROOT, "%.2f", ratio) : "";
	}

	Path write(Path directory, String name, String heading) throws IOException {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("settings", this.settings);
		json.put("variants", this.descriptions);
		json.put("fanOut", summaries());
		json.put("delivery", this.deliveries);
		json.put("capacity", this.capacities);
		json.put("fanOutRounds", this.rounds);
		return BenchResults.write(directory, name, json, heading + "\n\n" + markdown());
	}

	/**
	 * One measured fan-out window of one variant.
	 *
	 * @param variant variant name
	 * @param round round number, from 1
	 * @param messages messages the sender sent in the window
	 * @param deliveries messages received by members in the window
	 * @param seconds length of the window
	 * @param deliveriesPerSecond deliveries per second
	 * @param p50Millis median delivery latency
	 * @param p99Millis 99th percentile
	 * @param p999Millis 99.9th percentile
	 * @param maxMillis largest
	 * @param cpuMicrosPerDelivery CPU time of the server JVM(s) per delivery
	 * @param systemShare share of that time spent in the kernel
	 * @param redisCpuMicrosPerDelivery CPU time of redis-server per delivery (0 without it)
	 * @param harnessCpuMicrosPerDelivery CPU time of the harness (clients, sender, user service) per delivery
	 * @param foreignLoad share of the machine other processes used during the window
	 * @param attempts measurements taken until one was not disturbed by other processes (or gave up)
	 */
	record FanOutRound(String variant, int round, long messages, long deliveries, double seconds,
			double deliveriesPerSecond, double p50Millis, double p99Millis, double p999Millis, double maxMillis,
			double cpuMicrosPerDelivery, double systemShare, double redisCpuMicrosPerDelivery,
			double harnessCpuMicrosPerDelivery, double foreignLoad, int attempts) {

		FanOutRound withAttempts(int attempts) {
			return new FanOutRound(this.variant, this.round, this.messages, this.deliveries, this.seconds,
					this.deliveriesPerSecond, this.p50Millis, this.p99Millis, this.p999Millis, this.maxMillis,
					this.cpuMicrosPerDelivery, this.systemShare, this.redisCpuMicrosPerDelivery,
					this.harnessCpuMicrosPerDelivery, this.foreignLoad, attempts);
		}

	}

	/**
	 * Medians over the fan-out rounds of one variant.
	 *
	 * @param variant variant name
	 * @param description what the variant is
	 * @param deliveriesPerSecond median deliveries per second
	 * @param p50Millis median of the rounds' medians
	 * @param p99Millis median of the rounds' 99th percentiles
	 * @param p999Millis median of the rounds' 99.9th percentiles
	 * @param cpuMicrosPerDelivery median server CPU per delivery
	 * @param redisCpuMicrosPerDelivery median redis-server CPU per delivery
	 * @param cpuRatio median of the in-round ratios of CPU per delivery to bare
	 * @param p99Ratio median of the in-round ratios of the p99 to bare
	 * @param cpuRatios in-round ratios of CPU per delivery to bare
	 * @param p99Ratios in-round ratios of the p99 to bare
	 */
	record FanOutSummary(String variant, String description, double deliveriesPerSecond, double p50Millis,
			double p99Millis, double p999Millis, double cpuMicrosPerDelivery, double redisCpuMicrosPerDelivery,
			Double cpuRatio, Double p99Ratio, List<Double> cpuRatios, List<Double> p99Ratios) {
	}

	/**
	 * Whether every member of a variant's fan-out room received every message of the run.
	 *
	 * @param variant variant name
	 * @param members members of the room, the sender included
	 * @param messages messages sent, warm-up included
	 * @param received deliveries in sequence (members × messages when all arrived)
	 * @param violations duplicates, messages out of order or missing, gaps, streams that ended
	 * @param firstViolation the first of them, or {@code null}
	 * @param joinSeconds time the members took to join the room
	 * @param rejoins joins made again because the server answered UNAVAILABLE
	 */
	record Delivery(String variant, int members, long messages, long received, long violations,
			String firstViolation, double joinSeconds, long rejoins) {

		boolean ok() {
			return this.violations == 0 && this.received == this.members * this.messages;
		}

	}

	/**
	 * Idle streams on one instance of a variant.
	 *
	 * @param variant variant name
	 * @param streams idle streams open
	 * @param connections client connections they were spread over
	 * @param heapBefore live heap before the streams opened
	 * @param heapAfter live heap with the streams open
	 * @param heapBytesPerStream growth of the live heap per stream
	 * @param residentBefore resident memory before the streams opened
	 * @param residentAfter resident memory with the streams open
	 * @param residentBytesPerStream growth of the resident memory per stream
	 * @param joinSeconds time the streams took to join, with the given window of joins in flight
	 * @param rejoins joins made again because the server answered UNAVAILABLE
	 * @param joinP50Millis median time from a new member's join to its Joined
	 * @param joinMaxMillis longest of those
	 * @param joinMillis every probe's time
	 * @param growthPerStream classes whose live objects grew most, bytes per stream
	 */
	record Capacity(String variant, int streams, int connections, long heapBefore, long heapAfter,
			double heapBytesPerStream, long residentBefore, long residentAfter, double residentBytesPerStream,
			double joinSeconds, long rejoins, double joinP50Millis, double joinMaxMillis, List<Double> joinMillis,
			Map<String, Double> growthPerStream) {
	}

}
