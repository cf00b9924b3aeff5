package dev.grpcplatform.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile, read instruction by instruction (there is no Docker engine to build it here).
 */
class DockerfileTests {

	@Test
	void imageIsBuiltInStagesAndRunsOnAJavaRuntimeOnly() {
		List<Instruction> from = instructions("FROM");
		assertThat(from).extracting(Instruction::arguments)
			.containsExactly("eclipse-temurin:17-jdk AS build", "eclipse-temurin:${JAVA_VERSION}-jre AS layers",
					"eclipse-temurin:${JAVA_VERSION}-jre");
		// The jar is compiled for Java 17 and runs on the Java the image is built for, 25 by default.
		assertThat(instructions("ARG")).extracting(Instruction::arguments).contains("JAVA_VERSION=25");
		// Only the runtime stage ships: no build tool, no sources; it takes files from the earlier stages only.
		assertThat(runtimeStage()).noneMatch((instruction) -> instruction.arguments().contains("mvnw"))
			.filteredOn((instruction) -> instruction.keyword().equals("COPY"))
			.allSatisfy((copy) -> assertThat(copy.arguments()).matches("--from=(layers|build) .*"));
	}

	@Test
	void startUpCacheIsTrainedAtBuildTimeWithTheScriptPlatformUpRunsAndUsedByTheEntrypoint() throws Exception {
		List<Instruction> runtime = runtimeStage();
		List<String> keywords = runtime.stream().map(Instruction::keyword).toList();
		int training = indexOf(runtime, "RUN", "start-up-cache application.jar");
		// The image's JVM options are set before the training run, so that it records what the
		// service loads with them, and the application is complete: the last layer is copied before.
		assertThat(indexOf(runtime, "ENV", "JAVA_TOOL_OPTIONS=")).isLessThan(training);
		assertThat(indexOf(runtime, "COPY", "/layers/extracted/application/")).isLessThan(training);
		assertThat(indexOf(runtime, "COPY", "/workspace/deploy/jvm/start-up-cache /usr/local/bin/start-up-cache"))
			.isLessThan(training);
		// As root, before the service's user: the cache is owned by root and read-only for the service.
		assertThat(keywords.indexOf("USER")).isGreaterThan(training);
		// user-service's training run starts its embedded PostgreSQL outside /app and removes it.
		assertThat(runtime.get(training).arguments())
			.contains("USER_SERVICE_EMBEDDED_POSTGRES_DATA_DIRECTORY=/tmp/training-pg")
			.contains("rm -rf /tmp/training-pg");
		// The entrypoint reads the option the script wrote (an AOT cache or a CDS archive).
		JsonNode command = Project.JSON.readTree(instructions("ENTRYPOINT").get(0).arguments());
		assertThat(ComposeFileTests.texts(command)).containsExactly("java", "@start-up.args", "-jar", "application.jar");
		String script = Project.read("deploy/jvm/start-up-cache");
		assertThat(script).contains("-XX:AOTCacheOutput=", "-XX:AOTCache=", "-XX:ArchiveClassesAtExit=",
				"-XX:SharedArchiveFile=", "-Dspring.context.exit=onRefresh", "start-up.args");
		// The build context keeps it although it leaves the rest of deploy/ out (the last match wins).
		List<String> ignored = Project.read(".dockerignore").lines().map(String::strip).toList();
		assertThat(ignored).containsSubsequence("deploy/", "!deploy/jvm/start-up-cache");
		// `./platform up` runs the same script, so local runs start as the image does.
		assertThat(Project.read("platform")).contains("deploy/jvm/start-up-cache");
		assertThat(Project.read("user-service/src/main/java/dev/grpcplatform/user/config/EmbeddedPostgresProperties.java"))
			.contains("@ConfigurationProperties(\"user-service.embedded-postgres\")")
			.contains("getDataDirectory()");
	}

	private static int indexOf(List<Instruction> instructions, String keyword, String argument) {
		for (int i = 0; i < instructions.size(); i++) {
			if (instructions.get(i).keyword().equals(keyword) && instructions.get(i).arguments().contains(argument)) {
				return i;
			}
		}
		throw new AssertionError("No " + keyword + " with " + argument + " in the runtime stage");
	}

	@Test
	void serviceRunsAsANumericNonRootUserThatTheChartsExpect() {
		List<Instruction> users = instructions("USER");
		assertThat(users).hasSize(1);
		String user = users.get(0).arguments();
		assertThat(user).matches("[0-9]+:[0-9]+");
		long uid = Long.parseLong(user.split(":")[0]);
		long gid = Long.parseLong(user.split(":")[1]);
		assertThat(uid).isNotZero();
		assertThat(gid).isNotZero();
		assertThat(runtimeStage()).anySatisfy((instruction) -> assertThat(instruction.arguments())
			.contains("useradd --system --uid " + uid + " --gid " + gid));
		for (String chart : HelmCharts.APPLICATION_CHARTS) {
			JsonNode securityContext = Project.yaml("helm/" + chart + "/values.yaml").get("securityContext");
			assertThat(securityContext.get("runAsUser").asLong()).as(chart).isEqualTo(uid);
			assertThat(securityContext.get("runAsGroup").asLong()).as(chart).isEqualTo(gid);
		}
	}

	@Test
	void entrypointIsExecFormSoThatJavaReceivesSigterm() throws Exception {
		List<Instruction> entrypoints = instructions("ENTRYPOINT");
		assertThat(entrypoints).hasSize(1);
		JsonNode command = Project.JSON.readTree(entrypoints.get(0).arguments());
		assertThat(command.isArray()).isTrue();
		assertThat(ComposeFileTests.texts(command)).startsWith("java").endsWith("-jar", "application.jar");
		assertThat(instructions("CMD")).isEmpty();
	}

	@Test
	void heapFollowsTheContainerMemoryLimitAndTheChartsSizeItToTheirLimit() {
		Instruction env = runtimeStage().stream()
			.filter((instruction) -> instruction.keyword().equals("ENV") && instruction.arguments().startsWith("JAVA_TOOL_OPTIONS="))
			.findFirst()
			.orElseThrow();
		String options = env.arguments().substring("JAVA_TOOL_OPTIONS=".length()).replace("\"", "");
		assertThat(options).contains("-XX:MaxRAMPercentage=75").contains("-XX:+ExitOnOutOfMemoryError");
		// The charts replace it with every memory area sized to the pod's limit (HelmJvmMemoryTests),
		// and end the process on an OutOfMemoryError as the image does.
		for (String chart : HelmCharts.APPLICATION_CHARTS) {
			assertThat(HelmJvmMemoryTests.jvmOptions(HelmChartBehaviourTests.container(HelmCharts.render(chart, null))))
				.containsKeys("-Xmx", "-XX:+ExitOnOutOfMemoryError")
				.doesNotContainKey("-XX:MaxRAMPercentage=");
		}
	}

	@Test
	void springBootLayersAreExtractedAndCopiedLeastChangingFirst() {
		// Without the launcher: a plain application.jar and lib/, the class path a start-up cache needs.
		assertThat(instructions("RUN")).anySatisfy((run) -> assertThat(run.arguments())
			.contains("java -Djarmode=tools -jar application.jar extract --layers --destination extracted")
			.doesNotContain("--launcher"));
		List<String> copiedLayers = new ArrayList<>();
		Pattern layer = Pattern.compile("--from=layers /layers/extracted/([a-z-]+)/ \\./");
		for (Instruction copy : runtimeStage()) {
			Matcher matcher = layer.matcher(copy.arguments());
			if (copy.keyword().equals("COPY") && matcher.find()) {
				copiedLayers.add(matcher.group(1));
			}
		}
		assertThat(copiedLayers).containsExactly("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");
	}

	@Test
	void buildStagePackagesTheChosenServiceWithTheMavenWrapperAndNodeOnlyForTheChatPage() {
		assertThat(instructions("ARG")).extracting(Instruction::arguments).contains("SERVICE=user-service");
		// Node.js and npm from the base image's distribution build chat-service's page (chat-service/web).
		assertThat(instructions("RUN").get(0).arguments()).contains("apt-get install -y --no-install-recommends nodejs npm");
		assertThat(Project.read("chat-service/pom.xml")).contains("<id>build-chat-page</id>");
		Instruction build = instructions("RUN").get(1);
		assertThat(build.arguments()).contains("./mvnw")
			.contains("-pl \"${SERVICE}\" -am")
			.contains("-P '!install-buf'")
			.contains("-DskipTests package")
			.contains("cp \"${SERVICE}/target/${SERVICE}-\"*.jar");
		// The profile the build switches off must exist, or Maven only warns and runs npm anyway.
		assertThat(Project.read("proto/pom.xml")).contains("<id>install-buf</id>");
		// The jar the build copies is named after the module directory.
		assertThat(Project.read("user-service/pom.xml")).contains("<artifactId>user-service</artifactId>");
	}

	@Test
	void imageIsTheDefaultBuildWhichIsSpringBoot41() {
		// The build stage names no profile, so it packages each service's default: the profile that is
		// active by default must be boot4, on the Spring Boot 4.1 starter and parent.
		assertThat(instructions("RUN").get(0).arguments()).doesNotContain("boot3").doesNotContain("-P boot");
		for (String service : List.of("user-service", "chat-service")) {
			String pom = Project.read(service + "/pom.xml");
			assertThat(pom).as(service).contains("<artifactId>grpc-platform-spring-boot4-parent</artifactId>");
			Matcher profile = Pattern.compile("<profile>\\s*<id>(\\w+)</id>\\s*<activation>\\s*<activeByDefault>true</activeByDefault>"
					+ "[\\s\\S]*?</profile>")
				.matcher(pom);
			assertThat(profile.find()).as("%s has a profile active by default", service).isTrue();
			assertThat(profile.group(1)).as(service).isEqualTo("boot4");
			assertThat(profile.group()).as(service).contains("<artifactId>grpc-platform-spring-boot4-starter</artifactId>");
		}
	}

	@Test
	void dockerignoreKeepsBuildOutputAndLocalDataOutButEveryModuleIn() {
		List<String> patterns = Project.read(".dockerignore")
			.lines()
			.map(String::strip)
			.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
			.toList();
		assertThat(patterns).contains("**/target/", "**/node_modules/", "**/data/", ".git/");
		Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(Project.read("pom.xml"));
		List<String> required = new ArrayList<>(List.of("mvnw", ".mvn", "pom.xml"));
		while (module.find()) {
			required.add(module.group(1));
		}
		assertThat(required).contains("proto", "starter-autoconfigure", "user-service");
		for (String path : required) {
			assertThat(patterns).as("the build needs %s", path)
				.noneMatch((pattern) -> pattern.equals(path) || pattern.equals(path + "/") || pattern.equals("/" + path));
		}
	}

	record Instruction(int stage, String keyword, String arguments) {
	}

	/** Instructions with line continuations joined; the stage counts FROM lines (0 before the first). */
	static List<Instruction> parse() {
		List<Instruction> result = new ArrayList<>();
		StringBuilder current = new StringBuilder();
		int stage = 0;
		for (String line : Project.read("Dockerfile").lines().toList()) {
			String stripped = line.strip();
			if (current.isEmpty() && (stripped.isEmpty() || stripped.startsWith("#"))) {
				continue;
			}
			if (stripped.startsWith("#")) {
				continue;
			}
			if (stripped.endsWith("\\")) {
				current.append(stripped, 0, stripped.length() - 1).append(' ');
				continue;
			}
			current.append(stripped);
			String text = current.toString().replaceAll("\\s+", " ").strip();
			current.setLength(0);
			int space = text.indexOf(' ');
			String keyword = text.substring(0, space).toUpperCase(java.util.Locale.ROOT);
			if (keyword.equals("FROM")) {
				stage++;
			}
			result.add(new Instruction(stage, keyword, text.substring(space + 1)));
		}
		return result;
	}

	static List<Instruction> instructions(String keyword) {
		return parse().stream().filter((instruction) -> instruction.keyword().equals(keyword)).toList();
	}

	static List<Instruction> runtimeStage() {
		List<Instruction> all = parse();
		int last = all.get(all.size() - 1).stage();
		return all.stream().filter((instruction) -> instruction.stage() == last).toList();
	}

}
