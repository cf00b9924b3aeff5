package dev.grpcplatform.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Where a server JVM's CPU time goes: the user + system time of each of its threads, read from
 * {@code /proc/<pid>/task/<tid>/stat}, summed by what the threads do. Works for every variant alike
 * (no agent, no JMX): HotSpot names its native threads too (GC, JIT compilers), so they are counted.
 */
final class ThreadCpu {

	/**
	 * The groups, in report order; {@code other} takes the rest (the VM thread, JMX, timers, Spring's
	 * threads) and threads that ended within the window.
	 */
	static final List<String> GROUPS = List.of("transport", "handlers", "access log", "GC", "JIT", "other");

	private ThreadCpu() {
	}

	/**
	 * Returns the CPU time each live thread of a process has used so far.
	 * @param pid the process
	 * @return thread id to its name and CPU nanoseconds
	 */
	static Map<Long, Sample> sample(long pid) {
		Map<Long, Sample> threads = new HashMap<>();
		Path tasks = Path.of("/proc", Long.toString(pid), "task");
		long nanosPerTick = 1_000_000_000L / ServerProcess.CLOCK_TICKS_PER_SECOND;
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(tasks)) {
			for (Path task : entries) {
				String stat;
				try {
					stat = Files.readString(task.resolve("stat"));
				}
				catch (NoSuchFileException ex) {
					continue;
				}
				String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
				long ticks = MachineLoad.cpuTicks(stat);
				threads.put(Long.parseLong(task.getFileName().toString()), new Sample(name, ticks * nanosPerTick));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the threads of process " + pid, ex);
		}
		return threads;
	}

	/**
	 * Returns the CPU time per group between two samples, {@code other} being the process's total
	 * less the named groups.
	 * @param before the earlier sample
	 * @param after the later sample
	 * @param totalNanos the process's CPU time between them
	 * @return nanoseconds by group, in {@link #GROUPS} order
	 */
	static Map<String, Long> byGroup(Map<Long, Sample> before, Map<Long, Sample> after, long totalNanos) {
		return byGroup(before, after, totalNanos, GROUPS, ThreadCpu::group);
	}

	/**
	 * Returns the CPU time per group between two samples, by groups of the caller's own.
	 * @param before the earlier sample
	 * @param after the later sample
	 * @param totalNanos the process's CPU time between them
	 * @param groupNames the groups in report order, {@code other} among them
	 * @param grouping the group of a thread's name
	 * @return nanoseconds by group, in the given order
	 */
	static Map<String, Long> byGroup(Map<Long, Sample> before, Map<Long, Sample> after, long totalNanos,
			List<String> groupNames, Function<String, String> grouping) {
		Map<String, Long> groups = new LinkedHashMap<>();
		groupNames.forEach((group) -> groups.put(group, 0L));
		long named = 0;
		for (Map.Entry<Long, Sample> thread : after.entrySet()) {
			Sample earlier = before.get(thread.getKey());
			long used = thread.getValue().cpuNanos() - ((earlier != null) ? earlier.cpuNanos() : 0);
			String group = grouping.apply(thread.getValue().name());
			if (!group.equals("other")) {
				groups.merge(group, used, Long::sum);
				named += used;
			}
		}
		groups.put("other", Math.max(0, totalNanos - named));
		return groups;
	}

	/**
	 * Returns the group of a thread by its name ({@code comm}, at most 15 characters).
	 * @param name the thread's name
	 * @return its group
	 */
	static String group(String name) {
		if (name.startsWith("grpc-default-wo") || name.startsWith("grpc-nio-worke") || name.startsWith("grpc-default-bo")
				|| name.startsWith("grpc-nio-boss")) {
			return "transport";
		}
		if (name.startsWith("grpc-exec-") || name.startsWith("grpc-default-ex") || name.startsWith("pool-")
				|| name.startsWith("grpc-vexec-")) {
			return "handlers";
		}
		if (name.startsWith("grpc-access-log")) {
			return "access log";
		}
		if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
			return "GC";
		}
		if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
			return "JIT";
		}
		return "other";
	}

	/**
	 * One thread's name and CPU time so far.
	 *
	 * @param name the thread's name
	 * @param cpuNanos user + system time
	 */
	record Sample(String name, long cpuNanos) {
	}

}
