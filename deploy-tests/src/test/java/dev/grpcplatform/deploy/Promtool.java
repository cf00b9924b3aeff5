package dev.grpcplatform.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus's promtool (Debian package "prometheus", installed by .ci/run).
 */
final class Promtool {

	private Promtool() {
	}

	/**
	 * The exit code and output of {@code promtool args...} run in {@code directory}.
	 */
	static Result run(Path directory, String... args) {
		List<String> command = new ArrayList<>();
		command.add(System.getProperty("promtool.executable", "promtool"));
		command.addAll(List.of(args));
		Process process;
		try {
			process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot run " + command.get(0)
					+ ": install promtool (Debian package 'prometheus'; .ci/run installs it)", ex);
		}
		try {
			if (!process.waitFor(2, TimeUnit.MINUTES)) {
				process.destroyForcibly();
				throw new IllegalStateException("promtool did not finish within 2 minutes: " + command);
			}
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			return new Result(process.exitValue(), output);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	record Result(int exitCode, String output) {
	}

}
