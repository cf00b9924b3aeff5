package dev.grpcplatform.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * CPU use of the whole machine, to tell how much of it went to processes other than the harness and
 * its servers while a round was measured (other builds on a shared machine distort every number).
 */
final class MachineLoad {

	private MachineLoad() {
	}

	/**
	 * Waits until other processes use at most the tolerated share of the machine, so that a round is
	 * measured while the harness has the machine to itself.
	 * @param own ids of the harness's servers, whose CPU is not foreign
	 * @param maxForeignLoad tolerated share; 1 or more does not wait
	 * @param patience longest wait
	 * @param progress where to say that it waits
	 * @throws InterruptedException when interrupted
	 */
	static void awaitQuiet(Collection<Long> own, double maxForeignLoad, Duration patience, Consumer<String> progress)
			throws InterruptedException {
		if (maxForeignLoad >= 1) {
			return;
		}
		long deadline = System.nanoTime() + patience.toNanos();
		boolean announced = false;
		while (System.nanoTime() < deadline) {
			Sample before = sample(own);
			Thread.sleep(1000);
			double foreign = sample(own).foreignShareSince(before);
			if (foreign <= maxForeignLoad) {
				return;
			}
			if (!announced) {
				progress.accept(String.format(Locale.ROOT, "waiting for other processes to leave the machine (they use %.0f %%)",
						foreign * 100));
				announced = true;
			}
		}
	}

	/**
	 * Reads the machine's and this harness's CPU counters.
	 * @param servers ids of the harness's servers, whose CPU is not foreign
	 * @return the counters
	 */
	static Sample sample(Collection<Long> servers) {
		try {
			String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
			long busy = 0;
			long total = 0;
			// cpu user nice system idle iowait irq softirq steal [guest guest_nice, already in user]
			for (int i = 1; i <= 8 && i < cpu.length; i++) {
				long ticks = Long.parseLong(cpu[i]);
				total += ticks;
				if (i != 4 && i != 5) {
					busy += ticks;
				}
			}
			long own = ownTicks(Path.of("/proc/self/stat"));
			for (long pid : servers) {
				try {
					own += ownTicks(Path.of("/proc", Long.toString(pid), "stat"));
				}
				catch (IOException ex) {
					// Ended meanwhile.
				}
			}
			return new Sample(busy, total, own);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read /proc/stat (the harness needs Linux)", ex);
		}
	}

	static long ownTicks(Path stat) throws IOException {
		return cpuTicks(Files.readString(stat));
	}

	/**
	 * Returns the user + system clock ticks of a process's or thread's {@code stat} line.
	 * @param stat the content of {@code /proc/<pid>/stat} or {@code /proc/<pid>/task/<tid>/stat}
	 * @return the ticks
	 */
	static long cpuTicks(String stat) {
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	/**
	 * CPU counters at one moment, in clock ticks.
	 *
	 * @param busyTicks busy time of all CPUs (steal included)
	 * @param totalTicks all time of all CPUs
	 * @param ownTicks CPU time of the harness and its servers
	 */
	record Sample(long busyTicks, long totalTicks, long ownTicks) {

		/**
		 * Share of the machine's capacity used by other processes since an earlier sample.
		 * @param earlier the earlier sample
		 * @return foreign busy time divided by all CPU time of the interval
		 */
		double foreignShareSince(Sample earlier) {
			long total = this.totalTicks - earlier.totalTicks;
			long foreign = (this.busyTicks - earlier.busyTicks) - (this.ownTicks - earlier.ownTicks);
			return (total > 0) ? Math.max(0, foreign) / (double) total : 0;
		}

	}

}
