package dev.grpcplatform.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One server process of the chat benchmark: the bare grpc-java chat server, a chat-service instance
 * ({@code java -jar}, as a user runs it) or the redis-server of the redis broker; with its CPU time,
 * resident memory and live heap.
 */
final class ChatServerProcess implements AutoCloseable {

	/**
	 * The servers' JVM options: room for 10,000 streams and their churn, G1 as in the other benchmark;
	 * the heap is resident from the start, so that growth of the resident memory is what lives
	 * outside the heap (direct buffers, thread stacks, metaspace), not heap pages touched late.
	 */
	static final List<String> JVM_OPTIONS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch");

	private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(5);

	private static final Path REDIS_SERVER = Path.of("/usr/bin/redis-server");

	private static final Pattern HISTOGRAM_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

	private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)");

	private final String name;

	private final Process process;

	private final int port;

	private final Path log;

	private final Path workDirectory;

	private final ReadinessCheck readiness;

	private ChatServerProcess(String name, Process process, int port, Path log, Path workDirectory,
			ReadinessCheck readiness) {
		this.name = name;
		this.process = process;
		this.port = port;
		this.log = log;
		this.workDirectory = workDirectory;
		this.readiness = readiness;
	}

	/**
	 * Starts the bare grpc-java chat server in its own JVM.
	 * @param name name of the process in logs
	 * @param classPath the harness's class path
	 * @param jvmOptions extra JVM options
	 * @param usersTarget {@code host:port} of the user service
	 * @param logDirectory where its log goes
	 * @return the running server
	 */
	static ChatServerProcess bare(String name, List<String> classPath, List<String> jvmOptions, String usersTarget,
			Path logDirectory) throws IOException, InterruptedException {
		Files.createDirectories(logDirectory);
		Path portFile = logDirectory.resolve(name + ".port");
		Files.deleteIfExists(portFile);
		List<String> command = java(jvmOptions);
		command.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, classPath), BareChatServer.class.getName(),
				portFile.toString(), usersTarget));
		Path log = logDirectory.resolve(name + ".log");
		Process process = ServerProcess.launch(command, Map.of(), log);
		int port = Integer.parseInt(ServerProcess.awaitPortFile(name, process, portFile, log, STARTUP_TIMEOUT)
			.getProperty("port"));
		return new ChatServerProcess(name, process, port, log, null, () -> true);
	}

	/**
	 * Starts the packaged chat-service under the {@code dev} profile (development tokens) on free
	 * loopback ports; {@link #awaitReady()} waits until it is ready.
	 * @param name name of the process in logs
	 * @param jar the chat-service jar
	 * @param jvmOptions extra JVM options
	 * @param properties properties given as {@code --key=value} arguments
	 * @param logDirectory where its log goes
	 * @return the starting instance
	 */
	static ChatServerProcess chatService(String name, Path jar, List<String> jvmOptions, List<String> properties,
			Path logDirectory) throws IOException {
		Files.createDirectories(logDirectory);
		int[] ports = freePorts(2);
		List<String> command = java(jvmOptions);
		// The gRPC port in both Spring Boot lines' keys (each line reads its own); Actuator on its own port.
		command.addAll(List.of("-jar", jar.toString(), "--spring.profiles.active=dev", "--grpc.server.port=" + ports[0],
				"--grpc.server.address=127.0.0.1", "--spring.grpc.server.port=" + ports[0],
				"--spring.grpc.server.address=127.0.0.1", "--server.port=0", "--server.address=127.0.0.1",
				"--management.server.port=" + ports[1], "--management.server.address=127.0.0.1",
				"--spring.main.banner-mode=off"));
		properties.forEach((property) -> command.add("--" + property));
		Path log = logDirectory.resolve(name + ".log");
		Process process = ServerProcess.launch(command, Map.of(), log);
		URI readiness = URI.create("http://127.0.0.1:" + ports[1] + "/actuator/health/readiness");
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		return new ChatServerProcess(name, process, ports[0], log, null, () -> {
			HttpRequest request = HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).build();
			return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
		});
	}

	/**
	 * Starts a redis-server (the Debian package) on a free loopback port, without persistence.
	 * @param name name of the process in logs
	 * @param logDirectory where its log goes
	 * @return the running server
	 */
	static ChatServerProcess redis(String name, Path logDirectory) throws IOException, InterruptedException {
		if (!Files.isExecutable(REDIS_SERVER)) {
			throw new IllegalStateException(REDIS_SERVER + " is missing: install the Debian package redis-server "
					+ "(./platform test does), or leave out --variants redis");
		}
		Files.createDirectories(logDirectory);
		int port = freePorts(1)[0];
		Path directory = Files.createTempDirectory("chat-bench-redis");
		Path log = logDirectory.resolve(name + ".log");
		Process process = ServerProcess.launch(List.of(REDIS_SERVER.toString(), "--port", Integer.toString(port),
				"--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory.toString()), Map.of(), log);
		return new ChatServerProcess(name, process, port, log, directory, () -> {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
				return true;
			}
		}).awaitReady();
	}

	/**
	 * Mints a development token, valid for 4 hours, with the {@code DevelopmentTokens} of the
	 * chat-service jar, as its README shows (the starter is not on the harness's class path).
	 * @param jar the chat-service jar
	 * @param subject the caller
	 * @param scopes its scopes
	 * @return the token
	 */
	static String developmentToken(Path jar, String subject, String... scopes) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(javaExecutable(), "-cp", jar.toString(),
				"-Dloader.main=dev.grpcplatform.starter.security.DevelopmentTokens",
				"org.springframework.boot.loader.launch.PropertiesLauncher", "--ttl=4h", subject));
		command.addAll(List.of(scopes));
		Process mint = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(mint.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		if (!mint.waitFor(1, TimeUnit.MINUTES) || mint.exitValue() != 0 || output.isEmpty() || output.contains(" ")) {
			throw new IllegalStateException("Could not mint a development token with " + jar + ": " + output);
		}
		return output;
	}

	private static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private static List<String> java(List<String> jvmOptions) {
		List<String> command = new ArrayList<>();
		command.add(javaExecutable());
		command.addAll(JVM_OPTIONS);
		command.addAll(jvmOptions);
		return command;
	}

	/**
	 * Distinct free loopback ports, each held open until all are picked, so that none repeats.
	 */
	private static int[] freePorts(int count) throws IOException {
		List<ServerSocket> sockets = new ArrayList<>();
		try {
			int[] ports = new int[count];
			for (int i = 0; i < count; i++) {
				ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
				sockets.add(socket);
				ports[i] = socket.getLocalPort();
			}
			return ports;
		}
		finally {
			for (ServerSocket socket : sockets) {
				socket.close();
			}
		}
	}

	/**
	 * Waits until the server is ready (chat-service: its readiness endpoint answers 200).
	 * @return this server
	 * @throws IllegalStateException if it exits or is not ready in time
	 */
	ChatServerProcess awaitReady() throws InterruptedException {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this.name + " exited with " + this.process.exitValue() + "; see " + this.log);
			}
			try {
				if (this.readiness.ready()) {
					return this;
				}
			}
			catch (IOException ex) {
				// Not listening yet.
			}
			Thread.sleep(200);
		}
		close();
		throw new IllegalStateException(this.name + " was not ready within " + STARTUP_TIMEOUT + "; see " + this.log);
	}

	String name() {
		return this.name;
	}

	int port() {
		return this.port;
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	ServerProcess.CpuTime cpuTime() {
		return ServerProcess.cpuTime(this.name, this.process.pid());
	}

	/**
	 * Returns the resident memory of the process ({@code VmRSS} of {@code /proc/<pid>/status}).
	 * @return bytes
	 */
	long residentBytes() throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
			}
		}
		throw new IllegalStateException("No VmRSS in /proc/" + pid() + "/status");
	}

	/**
	 * Returns the live objects of the JVM's heap by class, from {@code jcmd <pid> GC.class_histogram},
	 * which runs a full collection first.
	 * @return the histogram
	 */
	HeapHistogram liveHeap() throws IOException, InterruptedException {
		Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
		Process histogram = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.class_histogram")
			.redirectErrorStream(true)
			.start();
		String output = new String(histogram.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!histogram.waitFor(2, TimeUnit.MINUTES) || histogram.exitValue() != 0) {
			throw new IllegalStateException("jcmd GC.class_histogram of " + this.name + " failed: " + output);
		}
		Map<String, Long> bytesByClass = new HashMap<>();
		long total = -1;
		for (String line : output.split("\n")) {
			Matcher entry = HISTOGRAM_LINE.matcher(line);
			if (entry.find()) {
				bytesByClass.merge(entry.group(3), Long.parseLong(entry.group(2)), Long::sum);
			}
			Matcher sum = HISTOGRAM_TOTAL.matcher(line);
			if (sum.find()) {
				total = Long.parseLong(sum.group(2));
			}
		}
		if (total < 0) {
			throw new IllegalStateException("No total in the class histogram of " + this.name + ": " + output);
		}
		return new HeapHistogram(total, bytesByClass);
	}

	@Override
	public void close() {
		ServerProcess.stop(this.process);
		if (this.workDirectory != null) {
			try (Stream<Path> files = Files.walk(this.workDirectory)) {
				files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
			catch (IOException ex) {
				// A temporary directory left behind.
			}
		}
	}

	@FunctionalInterface
	private interface ReadinessCheck {

		boolean ready() throws IOException, InterruptedException;

	}

	/**
	 * Live objects of a heap.
	 *
	 * @param totalBytes bytes of all live objects
	 * @param bytesByClass bytes of the live objects of each class
	 */
	record HeapHistogram(long totalBytes, Map<String, Long> bytesByClass) {

		/**
		 * Returns the classes that grew most since an earlier histogram.
		 * @param earlier the earlier histogram
		 * @param count how many classes
		 * @return class names and bytes grown, largest first
		 */
		List<Map.Entry<String, Long>> largestGrowthSince(HeapHistogram earlier, int count) {
			return this.bytesByClass.entrySet()
				.stream()
				.map((entry) -> Map.entry(entry.getKey(),
						entry.getValue() - earlier.bytesByClass().getOrDefault(entry.getKey(), 0L)))
				.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
				.limit(count)
				.toList();
		}

	}

}
