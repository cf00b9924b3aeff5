package dev.grpcplatform.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * StartupBench's {@code --memory-limit}: a JVM started in the bench's cgroup sizes itself as in a
 * pod with that memory limit, not from the machine.
 */
class MemoryCgroupTests {

	private static final long MIB = 1 << 20;

	@Test
	void aJvmStartedInTheCgroupSizesItselfFromTheLimitAsInAPod() throws Exception {
		Map<String, String> machine = jvmFlags(List.of(java(), "-XX:+PrintFlagsFinal", "-version"));
		Path directory;
		try (MemoryCgroup cgroup = MemoryCgroup.create("test", 768 * MIB)) {
			directory = cgroup.directory();
			Map<String, String> pod = jvmFlags(cgroup.wrap(List.of(java(), "-XX:+PrintFlagsFinal", "-version")));

			// The JVM's defaults for a 768 MiB container: a quarter of it for the heap, and the serial
			// collector below 1,792 MiB.
			assertThat(Long.parseLong(pod.get("MaxHeapSize"))).isEqualTo(192 * MIB);
			assertThat(pod.get("UseSerialGC")).isEqualTo("true");
			assertThat(Long.parseLong(machine.get("MaxHeapSize"))).isGreaterThan(192 * MIB);
			// The chart's -Xmx wins over the limit's default, as in the pod.
			Map<String, String> chart = jvmFlags(cgroup.wrap(List.of(java(), "-Xmx256m", "-XX:+PrintFlagsFinal", "-version")));
			assertThat(Long.parseLong(chart.get("MaxHeapSize"))).isEqualTo(256 * MIB);
		}
		assertThat(directory).doesNotExist();
	}

	@Test
	void memoryLimitsAreKubernetesQuantitiesAndTooSmallOrMalformedOnesAreRejected(@TempDir Path jars) throws Exception {
		Path jar = Files.writeString(jars.resolve("app.jar"), "not run");
		List<String> apps = List.of("--user-service", jar.toString(), "--chat-service", jar.toString(), "--peer",
				"hello=" + jar);

		assertThat(options(apps, "--memory-limit", "768Mi").memoryLimit).isEqualTo(768 * MIB);
		assertThat(options(apps, "--memory-limit", "1Gi").memoryLimit).isEqualTo(1024 * MIB);
		assertThat(options(apps, "--memory-limit", "805306368").memoryLimit).isEqualTo(768 * MIB);
		assertThat(options(apps).memoryLimit).as("no cgroup unless asked").isZero();
		assertThat(options(apps).jvmOptions).isEqualTo(StartupApp.IMAGE_JVM_OPTIONS);
		assertThat(options(apps, "--jvm-options", "-Xmx309m -Xss1024k").jvmOptions).isEqualTo("-Xmx309m -Xss1024k");
		for (String bad : List.of("768M", "0.5Gi", "-1Gi", "32Mi", "99999999999999Gi", "9999999999999Gi")) {
			assertThatIllegalArgumentException().as(bad)
				.isThrownBy(() -> options(apps, "--memory-limit", bad))
				.withMessageContaining("--memory-limit")
				.withMessageContaining(StartupBench.Options.HELP);
		}
	}

	private static StartupBench.Options options(List<String> apps, String... more) {
		List<String> args = new ArrayList<>(apps);
		args.addAll(List.of(more));
		return StartupBench.Options.parse(args.toArray(String[]::new));
	}

	private static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private static Map<String, String> jvmFlags(List<String> command) throws Exception {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().remove("JAVA_TOOL_OPTIONS");
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		return output.lines()
			.map(String::strip)
			.map((line) -> line.split("\\s+"))
			.filter((fields) -> fields.length >= 4 && fields[2].equals("="))
			.collect(Collectors.toMap((fields) -> fields[1], (fields) -> fields[3], (a, b) -> a));
	}

}
