package dev.grpcplatform.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Runs the harness in quick mode: every variant starts in its own JVM, serves both workloads and
 * every call succeeds. The numbers are not judged: a few seconds of a cold JVM say nothing.
 */
class BenchHarnessIntegrationTests {

	@Test
	void quickModeMeasuresEveryVariantAndWorkloadWithoutAFailedCall(@TempDir Path results) throws Exception {
		BenchOptions options = BenchOptions.parse("--quick", "--results-dir", results.toString(), "--log-dir",
				results.resolve("logs").toString());
		BenchHarness.Run run = new BenchHarness(options).run("--quick");

		assertThat(run.failures()).isZero();
		assertThat(run.results().summaries()).hasSize(12).allSatisfy((summary) -> {
			assertThat(summary.qps()).as("%s %s QPS", summary.workload(), summary.variant()).isPositive();
			assertThat(summary.cpuMicrosPerCall()).as("%s %s CPU", summary.workload(), summary.variant()).isPositive();
			assertThat(summary.allocatedBytesPerCall()).as("%s %s allocation", summary.workload(), summary.variant())
				.isPositive();
			assertThat(summary.p99Micros()).isPositive();
			assertThat(summary.cpuRatio()).isPositive();
			assertThat(summary.cpuRatioToPool()).isPositive();
			assertThat(summary.failures()).isZero();
		});
		assertThat(run.results().summaries()).extracting(BenchResults.Summary::variant)
			.containsExactly("a", "a-pool", "b3", "b4", "c", "d", "a", "a-pool", "b3", "b4", "c", "d");
		assertThat(Files.readString(run.markdown()))
			.contains("| unary | b3 (platform on Boot 3.5 + net.devh, every feature on) |")
			.contains("| unary | b4 (platform on Boot 4.1's gRPC, every feature on) |")
			.contains("| stream | d (Spring Boot 4.1 gRPC defaults with Actuator) |");
		assertThat(run.markdown().resolveSibling(run.markdown().getFileName().toString().replace(".md", ".json")))
			.exists();
		// The platform variants really run the platform, on either Boot line: the access log wrote a
		// line per call, each for the caller its authentication found in the token; neither the token
		// nor the secret is logged.
		for (String platform : List.of("b3", "b4")) {
			String platformLog = Files.readString(results.resolve("logs").resolve(platform + ".log"));
			assertThat(platformLog).as(platform)
				.contains("method=platform.bench.v1.BenchService/Unary status=OK")
				.contains("principal=bench")
				.doesNotContain("Bearer")
				.doesNotContain("status=UNAUTHENTICATED");
		}
		// b4 and d run Spring Boot 4.1's gRPC server: b4 on the platform's grpc-netty-shaded, d on the
		// grpc-netty its starter brings.
		assertThat(Files.readString(results.resolve("logs").resolve("b4.log"))).contains("BenchBoot4Application")
			.contains("ShadedNettyGrpcServerFactory");
		for (String peer : List.of("c", "d")) {
			assertThat(Files.readString(results.resolve("logs").resolve(peer + ".log"))).as(peer)
				.doesNotContain("logging.AccessLog");
		}
		assertThat(Files.readString(results.resolve("logs").resolve("d.log"))).contains("BenchBoot4Application")
			.contains("o.s.grpc.server.NettyGrpcServerFactory");
	}

	@Test
	void stdoutVariantHasThePlatformWriteTheAccessLogItself(@TempDir Path results) throws Exception {
		BenchOptions options = BenchOptions.parse("--quick", "--variants", "a,b3-stdout", "--workloads", "unary",
				"--results-dir", results.toString(), "--log-dir", results.resolve("logs").toString());
		BenchHarness.Run run = new BenchHarness(options).run("--quick");

		assertThat(run.failures()).isZero();
		assertThat(run.results().summaries()).extracting(BenchResults.Summary::variant)
			.containsExactly("a", "b3-stdout");
		List<String> lines = Files.readAllLines(results.resolve("logs").resolve("b3-stdout.log"));
		assertThat(lines).as("access log lines the platform wrote, not the logger")
			.filteredOn((line) -> line.contains("method=platform.bench.v1.BenchService/Unary status=OK"))
			.isNotEmpty()
			.allSatisfy((line) -> assertThat(line).matches("time=\\S+Z method=.* principal=bench request_id=.*"));
		assertThat(lines).noneMatch((line) -> line.contains("logging.AccessLog"));
	}

	@Test
	void openLoopStartsCallsAtTheRateWhateverTheServersPace(@TempDir Path results) throws Exception {
		BenchOptions options = BenchOptions.parse("--quick", "--variants", "a,a-pool", "--workloads", "unary",
				"--rate", "200", "--round-seconds", "3", "--results-dir", results.toString(), "--log-dir",
				results.resolve("logs").toString());
		BenchHarness.Run run = new BenchHarness(options).run("--quick --rate 200");

		assertThat(run.failures()).as("calls failed or skipped").isZero();
		assertThat(run.results().summaries()).extracting(BenchResults.Summary::variant).containsExactly("a", "a-pool");
		assertThat(run.results().summaries()).allSatisfy((summary) -> assertThat(summary.qps())
			.as("%s calls per second at a rate of 200", summary.variant())
			.isBetween(160.0, 240.0));
		assertThat(Files.readString(run.markdown())).contains("open loop, 200 calls started per second");
	}

	@Test
	void unknownOptionsAreRejectedWithTheUsage() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchOptions.parse("--rounds", "0"))
			.withMessageContaining("--rounds must be positive");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchOptions.parse("--rate", "-5"))
			.withMessageContaining("--rate must be positive");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchOptions.parse("--fast"))
			.withMessageContaining("usage:");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchOptions.parse("--variants", "b3,c"))
			.withMessageContaining("baseline");
	}

	@Test
	void platformWithEveryFeatureOffKeepsOnlyTheBoundedExecutor() {
		ServerVariant platform = ServerVariant.platform(List.of("platform.grpc.security.jwt.secret=s"),
				List.of("authorization=Bearer t"));
		ServerVariant none = ServerVariant.platformWithoutEachFeature(platform)
			.stream()
			.filter((variant) -> variant.name().equals("b3-none"))
			.findFirst()
			.orElseThrow();
		assertThat(none.properties()).contains("platform.grpc.security.jwt.secret=s",
				"platform.grpc.metrics.enabled=false", "platform.grpc.tracing.enabled=false",
				"platform.grpc.logging.enabled=false", "platform.grpc.security.enabled=false", "platform.grpc.validation.enabled=false",
				"platform.grpc.errors.enabled=false", "platform.grpc.shutdown.enabled=false",
				"management.tracing.grpc.enabled=false")
			.doesNotContain("platform.grpc.limits.enabled=false");
		assertThat(none.headers()).isEqualTo(platform.headers());
	}

	@Test
	void starterIsRecognisedOnTheClassPathSoVariantCRunsWithoutIt() {
		assertThat(BenchHarness.isPlatformStarter("/x/lib/grpc-platform-spring-boot-starter-0.1.0-SNAPSHOT.jar"))
			.isTrue();
		assertThat(BenchHarness.isPlatformStarter("/w/starter-autoconfigure/target/classes")).isTrue();
		assertThat(BenchHarness.isPlatformStarter("/w/bench/target/classes")).isFalse();
		assertThat(BenchHarness.isPlatformStarter("/x/lib/grpc-server-spring-boot-starter-3.1.0.RELEASE.jar")).isFalse();
		assertThat(BenchHarness.isPlatformStarter("/x/platform-lib/grpc-platform-spring-boot4-starter-0.1.0.jar")).isTrue();
		// Spring Boot 4.1 prefers grpc-netty-shaded, which the platform brings: variant d runs on grpc-netty.
		assertThat(BenchHarness.isPlatformStarter("/x/platform-lib/grpc-netty-shaded-1.83.1.jar")).isTrue();
		assertThat(BenchHarness.isPlatformStarter("/x/lib/grpc-netty-shaded-1.83.1.jar")).isFalse();
	}

	@Test
	void barePooledServerKeepsOnlyThePlatformsCoreForItsExecutor() {
		assertThat(ServerVariant.barePooled().withPlatformExecutor()).isTrue();
		assertThat(ServerVariant.bare().withPlatformExecutor()).isFalse();
		assertThat(BenchHarness.isPlatformCore("/x/lib/grpc-platform-core-0.1.0-SNAPSHOT.jar")).isTrue();
		assertThat(BenchHarness.isPlatformCore("/w/starter-autoconfigure/core/target/classes")).isTrue();
		assertThat(BenchHarness.isPlatformCore("/x/lib/grpc-platform-spring-boot3-starter-0.1.0-SNAPSHOT.jar"))
			.isFalse();
		assertThat(BenchHarness.isPlatformCore("/w/bench/target/classes")).isFalse();
	}

}
