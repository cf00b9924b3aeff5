package dev.grpcplatform.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One application of the start-up benchmark and how it is started: either as a user runs a jar
 * ({@code java -jar app.jar}) or as the image runs it (extracted with Spring Boot's jarmode tools,
 * started with the cache that {@code deploy/jvm/start-up-cache} trained).
 *
 * @param name the name in the report
 * @param description what it is
 * @param jar the packaged application jar
 * @param image whether it runs as the image runs it
 * @param arguments application arguments of every start (ports come on top)
 */
record StartupApp(String name, String description, Path jar, boolean image, List<String> arguments) {

	/** The JVM options of the image (Dockerfile's JAVA_TOOL_OPTIONS), given to every JVM of the run. */
	static final String IMAGE_JVM_OPTIONS = "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError";

	/**
	 * Extracts the jar and trains its start-up cache, as the image build does, when the app runs as
	 * the image runs it; nothing otherwise.
	 * @param work where the extracted applications go
	 * @param javaHome the JDK that runs the apps
	 * @param script deploy/jvm/start-up-cache
	 * @param trainingEnvironment environment of the training run on top of the JVM options
	 * @param log where the extraction and the training write
	 * @param reuse whether an extraction and cache of an earlier run from the same jar and JDK are kept
	 * @return the directory and command line a start uses
	 * @throws IOException if a step fails
	 * @throws InterruptedException when interrupted
	 */
	Launch prepare(Path work, Path javaHome, Path script, Map<String, String> trainingEnvironment, Path log,
			boolean reuse) throws IOException, InterruptedException {
		Path java = javaHome.resolve("bin/java");
		if (!this.image) {
			List<String> command = new ArrayList<>(List.of(java.toString(), "-jar", this.jar.toAbsolutePath().toString()));
			return new Launch(this.jar.toAbsolutePath().getParent(), command);
		}
		Path directory = work.resolve(this.name).toAbsolutePath();
		String jarName = this.jar.getFileName().toString();
		List<String> command = new ArrayList<>(List.of(java.toString(), "@start-up.args", "-jar", jarName));
		Path key = directory.resolve("start-up.key");
		String expected = javaHome.toAbsolutePath() + " " + Files.getLastModifiedTime(this.jar) + " " + Files.size(this.jar);
		if (reuse && Files.exists(key) && Files.readString(key).equals(expected)) {
			return new Launch(directory, command);
		}
		deleteRecursively(directory);
		Files.createDirectories(directory.getParent());
		run(List.of(java.toString(), "-Djarmode=tools", "-jar", this.jar.toAbsolutePath().toString(), "extract",
				"--destination", directory.toString()), directory.getParent(), Map.of(), log);
		// As in the image: the training run gets no application arguments.
		List<String> training = List.of("sh", script.toAbsolutePath().toString(), jarName);
		Map<String, String> environment = new java.util.HashMap<>(trainingEnvironment);
		environment.put("PATH", javaHome.resolve("bin") + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
		run(training, directory, environment, log);
		Files.writeString(key, expected);
		return new Launch(directory, command);
	}

	private static void run(List<String> command, Path directory, Map<String, String> environment, Path log)
			throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
		builder.environment().put("JAVA_TOOL_OPTIONS", IMAGE_JVM_OPTIONS);
		builder.environment().putAll(environment);
		Process process = builder.start();
		if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
			process.destroyForcibly();
			throw new IOException(String.join(" ", command) + " failed; see " + log);
		}
	}

	static void deleteRecursively(Path directory) throws IOException {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(path);
			}
		}
	}

	/**
	 * How one app is started.
	 *
	 * @param directory the working directory
	 * @param command the command up to the application arguments
	 */
	record Launch(Path directory, List<String> command) {
	}

}
