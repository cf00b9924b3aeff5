package dev.grpcplatform.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The numbers of one harness run: every measured round, and per workload and variant the medians
 * over rounds and the medians of the in-round ratios to the bare server (a).
 */
final class BenchResults {

	private final Map<String, Object> settings;

	private final List<Round> rounds = new ArrayList<>();

	private final Map<String, String> descriptions = new LinkedHashMap<>();

	BenchResults(Map<String, Object> settings) {
		this.settings = settings;
	}

	void describe(ServerVariant variant) {
		this.descriptions.put(variant.name(), variant.description());
	}

	void add(Round round) {
		this.rounds.add(round);
	}

	List<Round> rounds() {
		return this.rounds;
	}

	List<Summary> summaries() {
		List<Summary> summaries = new ArrayList<>();
		List<String> workloads = this.rounds.stream().map(Round::workload).distinct().toList();
		for (String workload : workloads) {
			for (String variant : this.descriptions.keySet()) {
				List<Round> own = this.rounds.stream()
					.filter((round) -> round.workload().equals(workload) && round.variant().equals(variant))
					.toList();
				if (own.isEmpty()) {
					continue;
				}
				List<Double> cpuRatios = new ArrayList<>();
				List<Double> qpsRatios = new ArrayList<>();
				List<Double> cpuRatiosToPool = new ArrayList<>();
				for (Round round : own) {
					sameRound(workload, "a", round).ifPresent((base) -> {
						cpuRatios.add(round.cpuMicrosPerCall() / base.cpuMicrosPerCall());
						qpsRatios.add(round.qps() / base.qps());
					});
					sameRound(workload, "a-pool", round)
						.ifPresent((base) -> cpuRatiosToPool.add(round.cpuMicrosPerCall() / base.cpuMicrosPerCall()));
				}
				summaries.add(new Summary(workload, variant, this.descriptions.get(variant),
						median(own.stream().map(Round::qps).toList()),
						median(own.stream().map(Round::p50Micros).toList()),
						median(own.stream().map(Round::p99Micros).toList()),
						median(own.stream().map(Round::p999Micros).toList()),
						median(own.stream().map(Round::cpuMicrosPerCall).toList()),
						median(own.stream().map(Round::allocatedBytesPerCall).toList()),
						cpuRatios.isEmpty() ? null : median(cpuRatios), qpsRatios.isEmpty() ? null : median(qpsRatios),
						cpuRatiosToPool.isEmpty() ? null : median(cpuRatiosToPool),
						own.stream().mapToLong(Round::failures).sum(), round(cpuRatios), round(qpsRatios),
						round(cpuRatiosToPool), byThreads(own)));
			}
		}
		return summaries;
	}

	private static Map<String, Double> byThreads(List<Round> rounds) {
		Map<String, Double> medians = new LinkedHashMap<>();
		for (String group : ThreadCpu.GROUPS) {
			medians.put(group, median(rounds.stream().map((round) -> round.cpuMicrosPerCallByThreads().getOrDefault(group, 0.0)).toList()));
		}
		return medians;
	}

	private java.util.Optional<Round> sameRound(String workload, String variant, Round round) {
		return this.rounds.stream()
			.filter((base) -> base.workload().equals(workload) && base.variant().equals(variant)
					&& base.round() == round.round())
			.findFirst();
	}

	String markdown() {
		StringBuilder out = new StringBuilder();
		out.append("| workload | variant | QPS | p50 µs | p99 µs | p99.9 µs | server CPU µs/call | CPU/call ÷ a "
				+ "| CPU/call ÷ a-pool | allocated B/call | QPS ÷ a | failed |\n");
		out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
		for (Summary summary : summaries()) {
			out.append(String.format(Locale.ROOT,
					"| %s | %s (%s) | %.0f | %.0f | %.0f | %.0f | %.1f | %s | %s | %.0f | %s | %d |%n", summary.workload(),
					summary.variant(), summary.description(), summary.qps(), summary.p50Micros(), summary.p99Micros(),
					summary.p999Micros(), summary.cpuMicrosPerCall(), ratio(summary.cpuRatio()),
					ratio(summary.cpuRatioToPool()), summary.allocatedBytesPerCall(), ratio(summary.qpsRatio()),
					summary.failures()));
		}
		out.append('\n');
		out.append("Where the server CPU goes, µs per call (medians over rounds, from each thread's time in "
				+ "`/proc/<pid>/task`; handlers: the executor's threads; other: the VM thread, JMX, timers and threads "
				+ "that ended within a round):\n\n");
		out.append("| workload | variant | ").append(String.join(" | ", ThreadCpu.GROUPS)).append(" |\n");
		out.append("| --- | --- |").append(" ---: |".repeat(ThreadCpu.GROUPS.size())).append('\n');
		for (Summary summary : summaries()) {
			out.append("| ").append(summary.workload()).append(" | ").append(summary.variant()).append(" |");
			for (String group : ThreadCpu.GROUPS) {
				out.append(String.format(Locale.ROOT, " %.1f |", summary.cpuMicrosPerCallByThreads().get(group)));
			}
			out.append('\n');
		}
		out.append('\n');
		out.append("Medians over ").append(this.settings.get("rounds")).append(" rounds of ")
			.append(this.settings.get("roundSeconds"))
			.append(" s; ratios are medians of in-round ratios to a (and to a-pool, when it ran). Streaming: one call "
					+ "= one message echoed on a long-lived bidirectional stream. Server CPU = user + system time of the "
					+ "server JVM ÷ calls; allocated = heap bytes the server JVM's threads allocated (HotSpot's "
					+ "per-thread counters, read over JMX) ÷ calls.");
		Object rate = this.settings.get("rate");
		if (rate instanceof Number number && number.intValue() > 0) {
			out.append(" Unary load: open loop, ").append(number.intValue())
				.append(" calls started per second for every variant (latencies from when each call was due); "
						+ "streaming: closed loop.");
		}
		else {
			out.append(" Load: closed loop, ").append(this.settings.get("concurrency")).append(" in flight.");
		}
		double maxForeign = this.rounds.stream().mapToDouble(Round::foreignLoad).max().orElse(0);
		long repeated = this.rounds.stream().filter((round) -> round.attempts() > 1).count();
		out.append(String.format(Locale.ROOT,
				" Other processes used at most %.0f %% of the machine during a kept round (%d round(s) measured again "
						+ "because others used more than %.0f %%).%n",
				maxForeign * 100, repeated, ((Number) this.settings.get("maxForeignLoad")).doubleValue() * 100));
		return out.toString();
	}

	private static String ratio(Double ratio) {
		return (ratio != null) ? String.format(Locale.ROOT, "%.3f", ratio) : "";
	}

	Path write(Path directory, String name, String heading) throws IOException {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("settings", this.settings);
		json.put("summary", summaries());
		json.put("rounds", this.rounds);
		return write(directory, name, json, heading + "\n\n" + markdown());
	}

	/**
	 * Writes a report as {@code <name>.json} and {@code <name>.md}.
	 * @param directory the results directory
	 * @param name the files' name
	 * @param json what the JSON holds
	 * @param markdown the markdown
	 * @return the markdown file
	 */
	static Path write(Path directory, String name, Map<String, Object> json, String markdown) throws IOException {
		Files.createDirectories(directory);
		ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
		Files.writeString(directory.resolve(name + ".json"), mapper.writeValueAsString(json), StandardCharsets.UTF_8);
		Path file = directory.resolve(name + ".md");
		Files.writeString(file, markdown, StandardCharsets.UTF_8);
		return file;
	}

	/**
	 * Describes the machine the numbers come from.
	 * @param serverJvmOptions the servers' JVM options
	 * @return CPUs, Java, operating system and the servers' JVM options
	 */
	static String machine(List<String> serverJvmOptions) {
		return Runtime.getRuntime().availableProcessors() + " CPUs, Java " + System.getProperty("java.version") + ", "
				+ System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", server JVMs "
				+ String.join(" ", serverJvmOptions);
	}

	static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		int n = sorted.size();
		return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

	private static List<Double> round(List<Double> values) {
		return values.stream().map((value) -> Math.round(value * 1000) / 1000.0).toList();
	}

	/**
	 * One measured window of one variant.
	 *
	 * @param workload unary or stream
	 * @param variant variant name
	 * @param round round number, from 1
	 * @param calls calls (or stream messages) completed in the window
	 * @param failures calls that failed in the window
	 * @param seconds length of the window
	 * @param qps calls per second
	 * @param cpuMicrosPerCall server CPU time per call
	 * @param systemShare share of the server CPU time spent in the kernel
	 * @param allocatedBytesPerCall heap bytes the server allocated per call
	 * @param p50Micros median latency
	 * @param p99Micros 99th percentile latency
	 * @param p999Micros 99.9th percentile latency
	 * @param foreignLoad share of the machine other processes used during the window
	 * @param attempts measurements taken until one was not disturbed by other processes (or gave up)
	 * @param cpuMicrosPerCallByThreads server CPU per call by what the threads do ({@link ThreadCpu#GROUPS})
	 */
	record Round(String workload, String variant, int round, long calls, long failures, double seconds, double qps,
			double cpuMicrosPerCall, double systemShare, double allocatedBytesPerCall, double p50Micros,
			double p99Micros, double p999Micros, double foreignLoad, int attempts,
			Map<String, Double> cpuMicrosPerCallByThreads) {

		Round withAttempts(int attempts) {
			return new Round(this.workload, this.variant, this.round, this.calls, this.failures, this.seconds, this.qps,
					this.cpuMicrosPerCall, this.systemShare, this.allocatedBytesPerCall, this.p50Micros, this.p99Micros, this.p999Micros,
					this.foreignLoad, attempts, this.cpuMicrosPerCallByThreads);
		}

	}

	/**
	 * Medians over the rounds of one workload and variant.
	 *
	 * @param workload unary or stream
	 * @param variant variant name
	 * @param description what the variant is
	 * @param qps median calls per second
	 * @param p50Micros median of the rounds' medians
	 * @param p99Micros median of the rounds' 99th percentiles
	 * @param p999Micros median of the rounds' 99.9th percentiles
	 * @param cpuMicrosPerCall median server CPU per call
	 * @param allocatedBytesPerCall median heap bytes the server allocated per call
	 * @param cpuRatio median of the in-round ratios of CPU per call to a
	 * @param qpsRatio median of the in-round ratios of QPS to a
	 * @param cpuRatioToPool median of the in-round ratios of CPU per call to a-pool, if it ran
	 * @param failures failed calls in all rounds
	 * @param cpuRatios in-round ratios of CPU per call to a
	 * @param qpsRatios in-round ratios of QPS to a
	 * @param cpuRatiosToPool in-round ratios of CPU per call to a-pool
	 * @param cpuMicrosPerCallByThreads median server CPU per call of each group of threads
	 */
	record Summary(String workload, String variant, String description, double qps, double p50Micros, double p99Micros,
			double p999Micros, double cpuMicrosPerCall, double allocatedBytesPerCall, Double cpuRatio, Double qpsRatio,
			Double cpuRatioToPool, long failures, List<Double> cpuRatios, List<Double> qpsRatios,
			List<Double> cpuRatiosToPool, Map<String, Double> cpuMicrosPerCallByThreads) {
	}

}
