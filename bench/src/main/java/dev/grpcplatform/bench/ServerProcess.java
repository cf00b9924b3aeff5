package dev.grpcplatform.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A server variant running in its own JVM, and the CPU time that JVM has used.
 */
final class ServerProcess implements AutoCloseable {

	private static final List<String> JVM_OPTIONS = List.of("-Xms512m", "-Xmx512m", "-XX:+UseG1GC");

	private static final long CLOCK_TICKS_PER_SECOND = clockTicksPerSecond();

	private static final List<Process> runningProcesses = new CopyOnWriteArrayList<>();

	static {
		// A harness stopped with Ctrl-C or kill leaves no server behind.
		Runtime.getRuntime().addShutdownHook(new Thread(() -> runningProcesses.forEach(Process::destroyForcibly)));
	}

	private final ServerVariant variant;

	private final Process process;

	private final int port;

	private ServerProcess(ServerVariant variant, Process process, int port) {
		this.variant = variant;
		this.process = process;
		this.port = port;
	}

	static ServerProcess start(ServerVariant variant, List<String> classPath, List<String> jvmOptions,
			Map<String, String> environment, Path logDirectory, Duration timeout)
			throws IOException, InterruptedException {
		Files.createDirectories(logDirectory);
		Path portFile = logDirectory.resolve(variant.name() + ".port");
		Files.deleteIfExists(portFile);
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(JVM_OPTIONS);
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(String.join(File.pathSeparator, classPath));
		command.add(variant.mainClass());
		if (variant.mainClass().equals(BareServer.class.getName())) {
			command.add(portFile.toString());
			command.addAll(variant.properties());
		}
		else {
			command.add("--bench.port-file=" + portFile);
			for (String property : variant.properties()) {
				command.add("--" + property);
			}
		}
		Path log = logDirectory.resolve(variant.name() + ".log");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().putAll(environment);
		Process process = builder.start();
		runningProcesses.add(process);
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!Files.exists(portFile) || Files.size(portFile) == 0) {
			if (!process.isAlive()) {
				throw new IllegalStateException("Server " + variant.name() + " exited with " + process.exitValue()
						+ "; see " + log);
			}
			if (System.nanoTime() > deadline) {
				process.destroyForcibly();
				throw new IllegalStateException("Server " + variant.name() + " did not start in " + timeout + "; see "
						+ log);
			}
			Thread.sleep(100);
		}
		Properties announced = new Properties();
		announced.load(Files.newBufferedReader(portFile, StandardCharsets.UTF_8));
		boolean platform = Boolean.parseBoolean(announced.getProperty("platform"));
		if (platform != variant.withPlatform()) {
			process.destroyForcibly();
			throw new IllegalStateException("Server " + variant.name() + " runs " + (platform ? "with" : "without")
					+ " the platform starter; expected the opposite");
		}
		return new ServerProcess(variant, process, Integer.parseInt(announced.getProperty("port")));
	}

	ServerVariant variant() {
		return this.variant;
	}

	int port() {
		return this.port;
	}

	/**
	 * Returns the CPU time the server's JVM has used so far, in clock ticks.
	 * @return user and system ticks
	 */
	long cpuTicks() {
		try {
			return MachineLoad.ownTicks(Path.of("/proc", Long.toString(this.process.pid()), "stat"));
		}
		catch (IOException ex) {
			return 0;
		}
	}

	/**
	 * Returns the CPU time (all threads) the server's JVM has used so far, from
	 * {@code /proc/<pid>/stat}.
	 * @return user and system CPU time
	 */
	CpuTime cpuTime() {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(this.process.pid()), "stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			long nanosPerTick = TimeUnit.SECONDS.toNanos(1) / CLOCK_TICKS_PER_SECOND;
			return new CpuTime(Long.parseLong(fields[11]) * nanosPerTick, Long.parseLong(fields[12]) * nanosPerTick);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read the CPU time of server " + this.variant.name()
					+ " (the harness needs Linux /proc)", ex);
		}
	}

	private static long clockTicksPerSecond() {
		try {
			Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
			String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
			if (getconf.waitFor(5, TimeUnit.SECONDS) && getconf.exitValue() == 0) {
				return Long.parseLong(out);
			}
		}
		catch (IOException | NumberFormatException ex) {
			// Linux's USER_HZ is 100 on every common architecture.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return 100;
	}

	/**
	 * CPU time of a process.
	 *
	 * @param userNanos time in user mode
	 * @param systemNanos time in the kernel on the process's behalf (system calls: network, logging)
	 */
	record CpuTime(long userNanos, long systemNanos) {

		long totalNanos() {
			return this.userNanos + this.systemNanos;
		}

	}

	@Override
	public void close() {
		runningProcesses.remove(this.process);
		this.process.destroy();
		try {
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

}
