package dev.grpcplatform.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./platform test}, the README's test command, on machines that lack what the tests need:
 * the script is copied into a directory of its own and run with a PATH that holds only the tools
 * each case gives it.
 */
class PlatformScriptTests {

	/** What the script itself runs besides the test tools (bash itself is started by its path). */
	private static final List<String> SHELL_TOOLS = List.of("dirname", "id", "env");

	@TempDir
	Path directory;

	@Test
	void nonRootUserWithoutSudoIsStoppedAtOnceWithOneLineNamingThePackages() throws Exception {
		Path bin = bin("javac", "node", "npm");
		Run run = run(bin, true, "test");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.stdout()).isEmpty();
		assertThat(run.stderr()).isEqualTo("./platform test: missing Debian packages: prometheus redis-server chromium; "
				+ "install them with: sudo apt-get install -y prometheus redis-server chromium\n");
		assertThat(run.seconds()).as("seconds until it stopped").isLessThan(20);
	}

	@Test
	void everyMissingToolIsNamedByItsPackageOnce() throws Exception {
		Run run = run(bin(), true, "test");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.stderr()).startsWith(
				"./platform test: missing Debian packages: openjdk-17-jdk-headless nodejs npm prometheus redis-server chromium;");
	}

	@Test
	void withEveryToolPresentItRunsMavenVerifyWithTheArgumentsGiven() throws Exception {
		Path bin = bin("javac", "node", "npm", "promtool", "prometheus", "redis-server", "chromium");
		Files.writeString(this.directory.resolve("mvnw"), "#!/bin/sh\necho \"mvnw $*\"\n");
		Files.setPosixFilePermissions(this.directory.resolve("mvnw"), PosixFilePermissions.fromString("rwxr-xr-x"));
		Run run = run(bin, false, "test", "-pl", "proto");
		assertThat(run.stderr()).isEmpty();
		assertThat(run.stdout()).isEqualTo("mvnw verify -pl proto\n");
		assertThat(run.exitCode()).isZero();
	}

	/**
	 * A directory of executables: the shell tools the script needs, and a stand-in for each named tool.
	 */
	private Path bin(String... tools) throws IOException {
		Path bin = Files.createDirectories(this.directory.resolve("bin"));
		for (String tool : SHELL_TOOLS) {
			Files.writeString(bin.resolve(tool), "#!/bin/sh\nexec " + which(tool) + " \"$@\"\n");
		}
		for (String tool : tools) {
			Files.writeString(bin.resolve(tool), "#!/bin/sh\nexit 0\n");
		}
		openToEveryone(bin);
		return bin;
	}

	private Run run(Path bin, boolean asUnprivilegedUser, String... arguments) throws Exception {
		Path script = this.directory.resolve("platform");
		Files.copy(Project.file("platform"), script);
		openToEveryone(this.directory);
		List<String> command = new ArrayList<>();
		if (asUnprivilegedUser && isRoot()) {
			// nobody: no sudo rights, and without sudo on the PATH in any case.
			command.addAll(List.of(which("setpriv").toString(), "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
		}
		command.add(which("bash").toString());
		command.add(script.toString());
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command).directory(this.directory.toFile());
		builder.environment().clear();
		builder.environment().put("PATH", bin.toString());
		builder.environment().put("HOME", this.directory.toString());
		long start = System.nanoTime();
		Process process = builder.start();
		process.getOutputStream().close();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("./platform %s ended", String.join(" ", arguments)).isTrue();
		double seconds = (System.nanoTime() - start) / 1e9;
		return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
				new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8), seconds);
	}

	private static void openToEveryone(Path path) throws IOException {
		try (var files = Files.walk(path)) {
			for (Path file : files.toList()) {
				Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
			}
		}
	}

	private static boolean isRoot() throws Exception {
		Process id = new ProcessBuilder("id", "-u").start();
		return new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().equals("0");
	}

	private static Path which(String tool) {
		for (String entry : System.getenv("PATH").split(":")) {
			Path candidate = Path.of(entry, tool);
			if (Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		for (String entry : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
			Path candidate = Path.of(entry, tool);
			if (Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		throw new IllegalStateException(tool + " is not on this machine");
	}

	private record Run(int exitCode, String stdout, String stderr, double seconds) {
	}

}
