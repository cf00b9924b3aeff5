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

	static final List<String> JVM_OPTIONS = List.of("-Xms512m", "-Xmx512m", "-XX:+UseG1GC");

	static final long CLOCK_TICKS_PER_SECOND = clockTicksPerSecond();

	private static final List<Process> runningProcesses = new CopyOnWriteArrayList<>();

	static {
		// A harness stopped with Ctrl-C or kill leaves no server behind.
		Runtime.getRuntime().addShutdownHook(new Thread(() -> runningProcesses.forEach(Process::destroyForcibly)));
	}

	private final ServerVariant variant;

	private final Process process;

	private final int port;

	private AllocationProbe allocation;

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
		Process process = launch(command, environment, log);
		Properties announced = awaitPortFile(variant.name(), process, portFile, log, timeout);
		boolean platform = Boolean.parseBoolean(announced.getProperty("platform"));
		if (platform != variant.withPlatform()) {
			process.destroyForcibly();
			throw new IllegalStateException("Server " + variant.name() + " runs " + (platform ? "with" : "without")
					+ " the platform starter; expected the opposite");
		}
		return new ServerProcess(variant, process, Integer.parseInt(announced.getProperty("port")));
	}

	/**
	 * Starts a process with its output in a log file; a harness that is stopped stops it too.
	 * @param command the command
	 * @param environment variables added to the harness's environment
	 * @param log where its standard output and error go
	 * @return the process
	 * @throws IOException if it cannot start
	 */
	static Process launch(List<String> command, Map<String, String> environment, Path log) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().putAll(environment);
		Process process = builder.start();
		runningProcesses.add(process);
		return process;
	}

	/**
	 * Waits until a server wrote its port file ({@code port=...}, as the bare servers do).
	 * @return the file's properties
	 */
	static Properties awaitPortFile(String name, Process process, Path portFile, Path log, Duration timeout)
			throws IOException, InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!Files.exists(portFile) || Files.size(portFile) == 0) {
			if (!process.isAlive()) {
				throw new IllegalStateException("Server " + name + " exited with " + process.exitValue() + "; see " + log);
			}
			if (System.nanoTime() > deadline) {
				process.destroyForcibly();
				throw new IllegalStateException("Server " + name + " did not start in " + timeout + "; see " + log);
			}
			Thread.sleep(100);
		}
		Properties announced = new Properties();
		announced.load(Files.newBufferedReader(portFile, StandardCharsets.UTF_8));
		return announced;
	}

	ServerVariant variant() {
		return this.variant;
	}

	int port() {
		return this.port;
	}

	long pid() {
		return this.process.pid();
	}

	/**
	 * Returns the bytes each live thread of the server's JVM has allocated so far (attaching to it the
	 * first time).
	 * @return bytes by thread id
	 */
	Map<Long, Long> allocatedBytes() {
		try {
			if (this.allocation == null) {
				this.allocation = AllocationProbe.attach(this.process.pid());
			}
			return this.allocation.snapshot();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read the allocation of " + this.variant.name(), ex);
		}
	}

	/**
	 * Returns the CPU time (all threads) the server's JVM has used so far, from
	 * {@code /proc/<pid>/stat}.
	 * @return user and system CPU time
	 */
	CpuTime cpuTime() {
		return cpuTime(this.variant.name(), this.process.pid());
	}

	/**
	 * Returns the CPU time (all threads) a process has used so far, from {@code /proc/<pid>/stat}.
	 * @param name the process's name, for the error
	 * @param pid the process id
	 * @return user and system CPU time
	 */
	static CpuTime cpuTime(String name, long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			long nanosPerTick = TimeUnit.SECONDS.toNanos(1) / CLOCK_TICKS_PER_SECOND;
			return new CpuTime(Long.parseLong(fields[11]) * nanosPerTick, Long.parseLong(fields[12]) * nanosPerTick);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read the CPU time of " + name + " (the harness needs Linux /proc)",
					ex);
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
		if (this.allocation != null) {
			try {
				this.allocation.close();
			}
			catch (IOException ex) {
				// The server is stopped next anyway.
			}
		}
		stop(this.process);
	}

	/**
	 * Stops a process that {@link #launch} started: SIGTERM, and SIGKILL after 20 s.
	 * @param process the process
	 */
	static void stop(Process process) {
		runningProcesses.remove(process);
		process.destroy();
		try {
			if (!process.waitFor(20, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				process.waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

}
