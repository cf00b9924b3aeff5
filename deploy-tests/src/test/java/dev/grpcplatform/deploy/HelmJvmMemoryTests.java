package dev.grpcplatform.deploy;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JVM of every release fits its container: what JAVA_TOOL_OPTIONS lets the JVM take stays
 * under the memory limit, so the kernel never OOM-kills the pod; the JVM itself refuses more
 * (an OutOfMemoryError, which ends the process) before that.
 */
class HelmJvmMemoryTests {

	static final List<String> charts = HelmCharts.APPLICATION_CHARTS;

	/**
	 * Threads the budget reserves a full stack for: about 45 run in an idle service (JVM, Netty
	 * event loops, Tomcat of the management port, pools); the handler executor adds more under load.
	 * A thread commits only the stack it touches (about 75 KiB on average, measured), so 100 full
	 * stacks cover the executor's 200 threads as well.
	 */
	static final int THREAD_BUDGET = 100;

	/** Share of the limit the budgeted areas may take; the rest is for what no flag caps. */
	static final double LIMIT_SHARE = 0.95;

	private static final long MIB = 1024 * 1024;

	/** The JVM's own default of -XX:ReservedCodeCacheSize with tiered compilation. */
	private static final long DEFAULT_CODE_CACHE = 240 * MIB;

	/** The JVM's default -Xss on Linux x64. */
	private static final long DEFAULT_STACK = MIB;

	private static final Pattern SIZE = Pattern.compile("([0-9]+)([kKmMgG]?)");

	static Stream<Arguments> releases() {
		return HelmChartRenderingTests.releases();
	}

	@ParameterizedTest(name = "{0} with {1}")
	@MethodSource("releases")
	void heapDirectMemoryMetaspaceCodeCacheAndThreadStacksFitTheMemoryLimit(String chart, String valuesFile) {
		Container container = HelmChartBehaviourTests.container(HelmChartBehaviourTests.render(chart, valuesFile));
		long limit = Quantity.getAmountInBytes(container.getResources().getLimits().get("memory")).longValueExact();
		Map<String, String> options = jvmOptions(container);

		long heap = heap(options, limit);
		// Unset, the JVM allows as much direct memory as heap, and Netty (gRPC's transport) takes it.
		long direct = options.containsKey("-XX:MaxDirectMemorySize=") ? bytes(options.get("-XX:MaxDirectMemorySize="))
				: heap;
		assertThat(options).as("metaspace is bounded (-XX:MaxMetaspaceSize)").containsKey("-XX:MaxMetaspaceSize=");
		long metaspace = bytes(options.get("-XX:MaxMetaspaceSize="));
		long codeCache = options.containsKey("-XX:ReservedCodeCacheSize=")
				? bytes(options.get("-XX:ReservedCodeCacheSize=")) : DEFAULT_CODE_CACHE;
		long stack = options.containsKey("-Xss") ? bytes(options.get("-Xss")) : DEFAULT_STACK;
		long total = heap + direct + metaspace + codeCache + THREAD_BUDGET * stack;

		assertThat(total).as("heap %s + direct %s + metaspace %s + code cache %s + %s threads x %s MiB of a %s MiB limit (%s)",
				mib(heap), mib(direct), mib(metaspace), mib(codeCache), THREAD_BUDGET, mib(stack), mib(limit), options)
			.isLessThanOrEqualTo((long) (limit * LIMIT_SHARE));
		assertThat(options).containsKey("-XX:+ExitOnOutOfMemoryError");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void heapGetsWhatTheLimitLeavesAfterTheOtherAreas(String chart) {
		Map<String, String> options = jvmOptions(HelmChartBehaviourTests.container(HelmCharts.render(chart, null,
				"resources.limits.memory=1.5Gi", "jvm.threadStackSize=512Ki", "jvm.options=-XX:+UseSerialGC")));
		// 95 % of 1536 MiB, less 64 + 128 + 64 + 100 x 0.5 + 64 MiB.
		assertThat(options).containsEntry("-Xmx", "1089m")
			.containsEntry("-XX:MaxDirectMemorySize=", "64m")
			.containsEntry("-XX:MaxMetaspaceSize=", "128m")
			.containsEntry("-XX:ReservedCodeCacheSize=", "64m")
			.containsEntry("-Xss", "512k")
			.containsKey("-XX:+UseSerialGC");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void limitTooSmallForTheJvmOrMissingIsRefused(String chart) {
		assertThat(HelmCharts.renderError(chart, null, "resources.limits.memory=512Mi"))
			.contains("resources.limits.memory 512Mi leaves 66 MiB for the heap, less than 128 MiB")
			.contains("raise the limit to at least 577Mi");
		assertThat(HelmCharts.renderError(chart, null, "resources.limits=null"))
			.contains("resources.limits.memory is required");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void memoryFlagsInJvmOptionsAreRefused(String chart) {
		for (String option : List.of("-Xmx2g", "-XX:MaxRAMPercentage=75", "-XX:MaxDirectMemorySize=1g", "-Xss4m",
				"-Dio.netty.maxDirectMemory=0", "-Dio.grpc.netty.shaded.io.netty.maxDirectMemory=1073741824")) {
			assertThat(HelmCharts.renderError(chart, null, "jvm.options=-XX:+ExitOnOutOfMemoryError " + option))
				.contains("jvm.options must not set")
				.contains("the chart sizes the JVM's memory from resources.limits.memory");
		}
	}

	@ParameterizedTest
	@FieldSource("charts")
	void productionAutoscalesOnCpuOnlyAndMemoryOnlyWhenChosenWithAWarning(String chart) {
		HorizontalPodAutoscaler hpa = HelmCharts.render(chart, "ci/production-values.yaml").one(HorizontalPodAutoscaler.class);
		assertThat(hpa.getSpec().getMetrics()).extracting((metric) -> metric.getResource().getName()).containsExactly("cpu");
		assertThat(HelmCharts.notes(chart, "ci/production-values.yaml")).doesNotContain("memory utilisation");

		String memory = "autoscaling.targetMemoryUtilizationPercentage=80";
		assertThat(HelmCharts.render(chart, "ci/production-values.yaml", memory).one(HorizontalPodAutoscaler.class)
			.getSpec()
			.getMetrics()).extracting((metric) -> metric.getResource().getName()).containsExactly("cpu", "memory");
		assertThat(HelmCharts.notes(chart, "ci/production-values.yaml", memory))
			.contains("WARNING: the HorizontalPodAutoscaler also scales on memory utilisation");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void benchMeasuresPodMemoryWithTheChartsDefaultLimitAndJvmOptions(String chart) {
		// bench/README.md's StartupBench command for the memory a pod holds: the same limit and
		// JAVA_TOOL_OPTIONS as each chart renders with its default values.
		Matcher command = Pattern.compile("--memory-limit (\\S+) --jvm-options \"([^\"]+)\"")
			.matcher(Project.read("bench/README.md"));
		assertThat(command.find()).as("bench/README.md runs StartupBench with --memory-limit and --jvm-options").isTrue();
		Container container = HelmChartBehaviourTests.container(HelmCharts.render(chart, null));

		assertThat(container.getResources().getLimits().get("memory")).hasToString(command.group(1));
		assertThat(container.getEnv()).filteredOn((variable) -> variable.getName().equals("JAVA_TOOL_OPTIONS"))
			.extracting(EnvVar::getValue)
			.containsExactly(command.group(2));
	}

	/**
	 * The heap: -Xmx, else -XX:MaxRAMPercentage of the limit, else the JVM's default (a quarter).
	 */
	private static long heap(Map<String, String> options, long limit) {
		if (options.containsKey("-Xmx")) {
			return bytes(options.get("-Xmx"));
		}
		String percentage = options.getOrDefault("-XX:MaxRAMPercentage=", "25");
		return new BigDecimal(percentage).multiply(BigDecimal.valueOf(limit)).divide(BigDecimal.valueOf(100)).longValue();
	}

	/**
	 * JAVA_TOOL_OPTIONS as option prefix to value, e.g. {@code -Xmx} to {@code 488m},
	 * {@code -XX:MaxDirectMemorySize=} to {@code 64m}, {@code -XX:+ExitOnOutOfMemoryError} to "".
	 */
	static Map<String, String> jvmOptions(Container container) {
		String value = container.getEnv()
			.stream()
			.filter((variable) -> variable.getName().equals("JAVA_TOOL_OPTIONS"))
			.map(EnvVar::getValue)
			.findFirst()
			.orElseThrow(() -> new AssertionError("No JAVA_TOOL_OPTIONS"));
		Map<String, String> options = new LinkedHashMap<>();
		for (String option : value.trim().split("\\s+")) {
			Matcher prefix = Pattern.compile("^(-Xmx|-Xms|-Xss|-XX:[A-Za-z]+=|-D[^=]+=)(.*)$").matcher(option);
			if (prefix.matches()) {
				options.put(prefix.group(1), prefix.group(2));
			}
			else {
				options.put(option, "");
			}
		}
		return options;
	}

	/** A JVM size (128m, 1g, 512k or bytes) in bytes. */
	static long bytes(String size) {
		Matcher matcher = SIZE.matcher(size);
		assertThat(matcher.matches()).as("JVM size %s", size).isTrue();
		long unit = switch (matcher.group(2).toLowerCase()) {
			case "k" -> 1024;
			case "m" -> MIB;
			case "g" -> 1024 * MIB;
			default -> 1;
		};
		return Long.parseLong(matcher.group(1)) * unit;
	}

	private static String mib(long bytes) {
		return String.valueOf(bytes / MIB);
	}

}
