package dev.grpcplatform.bench;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import dev.grpcplatform.bench.v1.BenchUser;
import dev.grpcplatform.bench.v1.GetUserRequest;
import dev.grpcplatform.bench.v1.UserLookupServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * The same GetUser-shaped lookup over native gRPC, gRPC-Web and JSON transcoding (the platform
 * starter's HTTP bridge) and a hand-written Spring MVC JSON controller, all served by one
 * {@link WebBenchApplication} in its own JVM, measured in one run.
 *
 * <p>Each client keeps {@code --concurrency} calls in flight (closed loop, one thread per call):
 * grpc-java on one HTTP/2 connection for native gRPC, the JDK's HTTP/1.1 client for the other three.
 * After a warm-up of every workload, the workloads are measured in alternating rounds; server CPU
 * per call is the server JVM's user + system time ({@code /proc/<pid>/stat}) ÷ calls. Every response
 * is checked (HTTP status, body, gRPC status) and a wrong one counts as a failure.
 *
 * <p>Options: {@code --warmup-seconds} (20), {@code --round-seconds} (10), {@code --rounds} (3),
 * {@code --concurrency} (16), {@code --results-dir} ({@code bench/results}).
 */
public final class WebBench {

	private static final List<String> WORKLOADS = List.of("grpc", "grpc-web", "json", "mvc");

	private WebBench() {
	}

	/**
	 * Runs the web bench.
	 * @param args options
	 * @throws Exception when the server cannot start or a client fails
	 */
	public static void main(String[] args) throws Exception {
		// Tomcat closes a kept-alive connection after 20 s without a request, while each workload waits
		// for the other three; the JDK's client would keep it for 20 minutes and send the next POST on
		// it (a GET it retries by itself, a POST fails). Its pool now lets connections go after 5 s.
		System.setProperty("jdk.httpclient.keepalive.timeout", "5");
		Map<String, String> options = new LinkedHashMap<>(Map.of("--warmup-seconds", "20", "--round-seconds", "10",
				"--rounds", "3", "--concurrency", "16", "--results-dir", "bench/results"));
		for (int i = 0; i + 1 < args.length; i += 2) {
			if (!options.containsKey(args[i])) {
				throw new IllegalArgumentException("usage: WebBench " + options.keySet().stream()
					.map((key) -> "[" + key + " n]")
					.reduce((a, b) -> a + " " + b)
					.orElse(""));
			}
			options.put(args[i], args[i + 1]);
		}
		int concurrency = Integer.parseInt(options.get("--concurrency"));
		Path logs = Path.of("bench", "target", "bench-logs");
		Files.createDirectories(logs);
		Path portFile = logs.resolve("web.port");
		Files.deleteIfExists(portFile);
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(ServerProcess.JVM_OPTIONS);
		command.add("-cp");
		command.add(String.join(File.pathSeparator, classPath()));
		command.add(WebBenchApplication.class.getName());
		command.addAll(List.of("--bench.port-file=" + portFile, "--platform.grpc.http.grpc-web.enabled=true",
				"--platform.grpc.http.json.enabled=true",
				// The MVC controller has neither: the comparison is of transports, not of features.
				"--platform.grpc.security.public-methods=platform.bench.v1.UserLookupService/*",
				"--platform.grpc.logging.access-log.level=off"));
		Path log = logs.resolve("web.log");
		Process server = ServerProcess.launch(command, Map.of(), log);
		try {
			Properties ports = ServerProcess.awaitPortFile("web", server, portFile, log, Duration.ofMinutes(2));
			int grpcPort = Integer.parseInt(ports.getProperty("port"));
			int webPort = Integer.parseInt(ports.getProperty("web-port"));
			ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
			HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
			Map<String, Callable<Boolean>> calls = calls(channel, http, webPort);
			System.err.println("[web-bench] warm-up " + options.get("--warmup-seconds") + " s per workload");
			for (String workload : WORKLOADS) {
				measure(calls.get(workload), concurrency, Integer.parseInt(options.get("--warmup-seconds")), server.pid());
			}
			Map<String, List<double[]>> rounds = new LinkedHashMap<>();
			for (int round = 0; round < Integer.parseInt(options.get("--rounds")); round++) {
				for (String workload : WORKLOADS) {
					double[] result = measure(calls.get(workload), concurrency,
							Integer.parseInt(options.get("--round-seconds")), server.pid());
					rounds.computeIfAbsent(workload, (key) -> new ArrayList<>()).add(result);
					System.err.printf("[web-bench] round %d %s: %.0f QPS, %.1f µs CPU/call, %d failures%n", round + 1,
							workload, result[0], result[1], (long) result[2]);
				}
			}
			String report = report(rounds, concurrency, options);
			System.out.println(report);
			Path results = Path.of(options.get("--results-dir"));
			Files.createDirectories(results);
			Path file = results
				.resolve("web-bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".md");
			Files.writeString(file, report, StandardCharsets.UTF_8);
			System.err.println("[web-bench] written to " + file);
			channel.shutdownNow();
		}
		finally {
			ServerProcess.stop(server);
		}
	}

	private static List<String> classPath() throws IOException {
		List<String> entries = new ArrayList<>(BenchHarness.classPath());
		String own = System.getProperty("java.class.path");
		Path webLib = (own.endsWith(".jar") && !own.contains(File.pathSeparator))
				? Path.of(own).toAbsolutePath().resolveSibling("web-lib") : Path.of("bench", "target", "web-lib");
		try (Stream<Path> jars = Files.list(webLib)) {
			jars.filter((path) -> path.toString().endsWith(".jar")).sorted().forEach((path) -> entries.add(path.toString()));
		}
		return entries;
	}

	private static Map<String, Callable<Boolean>> calls(ManagedChannel channel, HttpClient http, int webPort) {
		UserLookupServiceGrpc.UserLookupServiceBlockingStub stub = UserLookupServiceGrpc.newBlockingStub(channel);
		AtomicLong ids = new AtomicLong();
		String base = "http://127.0.0.1:" + webPort;
		Map<String, Callable<Boolean>> calls = new LinkedHashMap<>();
		calls.put("grpc", () -> {
			String id = "u-" + ids.incrementAndGet();
			return stub.getUser(GetUserRequest.newBuilder().setId(id).build()).getId().equals(id);
		});
		calls.put("grpc-web", () -> {
			String id = "u-" + ids.incrementAndGet();
			byte[] message = GetUserRequest.newBuilder().setId(id).build().toByteArray();
			byte[] frame = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
			HttpResponse<byte[]> response = http.send(
					HttpRequest.newBuilder(URI.create(base + "/platform.bench.v1.UserLookupService/GetUser"))
						.POST(HttpRequest.BodyPublishers.ofByteArray(frame))
						.header("Content-Type", "application/grpc-web+proto")
						.header("X-Grpc-Web", "1")
						.build(),
					HttpResponse.BodyHandlers.ofByteArray());
			ByteBuffer body = ByteBuffer.wrap(response.body());
			if (response.statusCode() != 200 || body.remaining() < 5 || body.get() != 0) {
				return false;
			}
			byte[] user = new byte[body.getInt()];
			body.get(user);
			byte[] trailer = Arrays.copyOfRange(response.body(), body.position() + 5, response.body().length);
			return BenchUser.parseFrom(user).getId().equals(id)
					&& new String(trailer, StandardCharsets.US_ASCII).startsWith("grpc-status:0");
		});
		calls.put("json", () -> json(http, base + "/v1/users/", ids));
		calls.put("mvc", () -> json(http, base + "/mvc/users/", ids));
		return calls;
	}

	private static boolean json(HttpClient http, String prefix, AtomicLong ids) throws Exception {
		String id = "u-" + ids.incrementAndGet();
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(prefix + id)).build(),
				HttpResponse.BodyHandlers.ofString());
		return response.statusCode() == 200 && response.body().contains("\"id\":\"" + id + "\"")
				&& response.body().contains("\"displayName\":\"Ada Lovelace\"");
	}

	/**
	 * Runs one workload for the given time.
	 * @return QPS, server CPU µs per call, failures, then µs per call of each of {@link #WEB_GROUPS}
	 */
	private static double[] measure(Callable<Boolean> call, int concurrency, int seconds, long serverPid)
			throws InterruptedException {
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicLong done = new AtomicLong();
		AtomicLong failures = new AtomicLong();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < concurrency; i++) {
			Thread thread = new Thread(() -> {
				while (running.get()) {
					try {
						if (call.call()) {
							done.incrementAndGet();
						}
						else {
							failures.incrementAndGet();
							reportFailure("a wrong answer (status, body or trailer)");
						}
					}
					catch (Exception ex) {
						failures.incrementAndGet();
						reportFailure(ex.toString());
					}
				}
			});
			thread.start();
			threads.add(thread);
		}
		// Measure the steady part: calls and CPU from one second in until the end.
		Thread.sleep(1000);
		long calls0 = done.get();
		Map<Long, ThreadCpu.Sample> threads0 = ThreadCpu.sample(serverPid);
		long cpu0 = ServerProcess.cpuTime("web", serverPid).totalNanos();
		long start = System.nanoTime();
		Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
		long calls = done.get() - calls0;
		long cpu = ServerProcess.cpuTime("web", serverPid).totalNanos() - cpu0;
		Map<String, Long> byGroup = ThreadCpu.byGroup(threads0, ThreadCpu.sample(serverPid), cpu, WEB_GROUPS,
				WebBench::group);
		double elapsed = (System.nanoTime() - start) / 1e9;
		running.set(false);
		for (Thread thread : threads) {
			thread.join();
		}
		double[] result = new double[3 + WEB_GROUPS.size()];
		result[0] = calls / elapsed;
		result[1] = (calls > 0) ? cpu / 1e3 / calls : Double.NaN;
		result[2] = failures.get();
		for (int i = 0; i < WEB_GROUPS.size(); i++) {
			result[3 + i] = (calls > 0) ? byGroup.get(WEB_GROUPS.get(i)) / 1e3 / calls : Double.NaN;
		}
		return result;
	}

	// What the server's threads do here: Tomcat's threads (request threads, poller, acceptor) run the
	// controller and, for gRPC-Web and JSON, unary handlers too; the gRPC executor runs native calls'
	// handlers.
	static final List<String> WEB_GROUPS = List.of("Tomcat", "gRPC transport", "gRPC handlers",
			"deadline timer", "GC", "JIT", "other");

	static String group(String name) {
		if (name.startsWith("http-nio-")) {
			return "Tomcat";
		}
		if (name.startsWith("grpc-deadline")) {
			return "deadline timer";
		}
		return switch (ThreadCpu.group(name)) {
			case "transport" -> "gRPC transport";
			case "handlers" -> "gRPC handlers";
			case "GC" -> "GC";
			case "JIT" -> "JIT";
			default -> name.startsWith("grpc-http-strea") ? "gRPC handlers" : "other";
		};
	}

	private static final AtomicLong reportedFailures = new AtomicLong();

	// The first failures are printed with their cause; a failure is never silent.
	private static void reportFailure(String cause) {
		if (reportedFailures.incrementAndGet() <= 10) {
			System.err.println("[web-bench] a call failed: " + cause);
		}
	}

	private static double median(List<double[]> rounds, int index) {
		double[] values = rounds.stream().mapToDouble((round) -> round[index]).sorted().toArray();
		int middle = values.length / 2;
		return (values.length % 2 == 1) ? values[middle] : (values[middle - 1] + values[middle]) / 2;
	}

	private static String report(Map<String, List<double[]>> rounds, int concurrency, Map<String, String> options) {
		StringBuilder report = new StringBuilder();
		report.append("# Web bench: one GetUser-shaped lookup over four transports\n\n");
		report.append("Concurrency ").append(concurrency).append(", warm-up ").append(options.get("--warmup-seconds"))
			.append(" s per workload, ").append(options.get("--rounds")).append(" alternating rounds of ")
			.append(options.get("--round-seconds")).append(" s; medians over rounds; Java ")
			.append(System.getProperty("java.version")).append(", ").append(Runtime.getRuntime().availableProcessors())
			.append(" cores.\n\n");
		report.append("| workload | QPS | server CPU µs/call | failures |\n| --- | ---: | ---: | ---: |\n");
		for (Map.Entry<String, List<double[]>> entry : rounds.entrySet()) {
			long failures = entry.getValue().stream().mapToLong((round) -> (long) round[2]).sum();
			report.append(String.format("| %s | %.0f | %.1f | %d |%n", entry.getKey(), median(entry.getValue(), 0),
					median(entry.getValue(), 1), failures));
		}
		report.append("\nWhere the server's CPU goes, µs per call (each thread's time from /proc/<pid>/task, ")
			.append("summed by what the thread does; medians over rounds):\n\n| workload |");
		WEB_GROUPS.forEach((group) -> report.append(' ').append(group).append(" |"));
		report.append("\n| --- |").append(" ---: |".repeat(WEB_GROUPS.size())).append('\n');
		for (Map.Entry<String, List<double[]>> entry : rounds.entrySet()) {
			report.append("| ").append(entry.getKey()).append(" |");
			for (int i = 0; i < WEB_GROUPS.size(); i++) {
				report.append(String.format(" %.1f |", median(entry.getValue(), 3 + i)));
			}
			report.append('\n');
		}
		report.append("\n| ratio | QPS | server CPU per call |\n| --- | ---: | ---: |\n");
		report.append(ratio("gRPC-Web ÷ native gRPC", rounds.get("grpc-web"), rounds.get("grpc")));
		report.append(ratio("JSON transcoding ÷ Spring MVC controller", rounds.get("json"), rounds.get("mvc")));
		return report.toString();
	}

	private static String ratio(String name, List<double[]> of, List<double[]> to) {
		return String.format("| %s | %.3f | %.3f |%n", name, median(of, 0) / median(to, 0), median(of, 1) / median(to, 1));
	}

}
