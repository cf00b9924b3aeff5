package dev.grpcplatform.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The arrows between the modules, checked on their compiled classes (each module's
 * {@code target/classes}, so no module's jar or dependencies are needed): services → starter and
 * services → contracts; edges → core; the core knows no edge, no Spring Boot line's gRPC and no
 * sample; no edge knows another; the two services meet only through the contracts.
 */
class ArchitectureTests {

	private static final String STARTER = "dev.grpcplatform.starter";

	/** Package of an edge: {@code dev.grpcplatform.starter.boot<line>}, e.g. boot3, boot4. */
	private static final Pattern EDGE_PACKAGE = Pattern.compile("dev\\.grpcplatform\\.starter\\.(boot\\d+)(\\..*)?");

	private static final String[] STARTER_MODULES = { "starter-autoconfigure/core", "starter-autoconfigure/test-harness",
			"starter-autoconfigure/spring-boot3", "starter-autoconfigure/spring-boot3-test",
			"starter-autoconfigure/spring-boot4", "starter-autoconfigure/spring-boot4-test" };

	@Test
	void coreImportsNeitherNetDevhNorAnySpringBootLinesGrpc() {
		ArchRule rule = noClasses().should()
			.dependOnClassesThat()
			.resideInAnyPackage("net.devh..", "org.springframework.grpc..", "org.springframework.boot.grpc..")
			.because("the core runs on both Boot lines; only an edge may know its line's gRPC integration");
		rule.check(mainClasses("starter-autoconfigure/core"));
	}

	@Test
	void coreImportsNoAutoConfigurationOrActuatorTypesThatMovedInBoot4() {
		ArchRule rule = noClasses().should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework.boot.autoconfigure..", "org.springframework.boot.actuate..",
					"org.springframework.boot.health..")
			.because("Spring Boot 4 moved these types into other modules; their bridges belong to the edges");
		rule.check(mainClasses("starter-autoconfigure/core"));
	}

	@Test
	void coreKnowsNoEdge() {
		ArchRule rule = noClasses().should().dependOnClassesThat(inAnEdge()).because("edges depend on the core, never back");
		rule.check(mainClasses("starter-autoconfigure/core", "starter-autoconfigure/test-harness"));
	}

	@Test
	void noEdgeImportsAnotherEdge() {
		ArchRule rule = classes().that(inAnEdge()).should(dependOnNoOtherEdge());
		rule.check(mainClasses(STARTER_MODULES));
	}

	@Test
	void starterKnowsNoSampleServiceAndNoSampleContract() {
		ArchRule rule = noClasses().should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.grpcplatform.user..", "dev.grpcplatform.chat..", "dev.grpcplatform.proto..")
			.because("the starter serves any application; the samples and their contracts "
					+ "(java_package dev.grpcplatform.proto.*) sit on top of it");
		rule.check(mainClasses(STARTER_MODULES));
	}

	@Test
	void userServiceImportsNothingOfChatService() {
		knowsNothingOf("user-service", "dev.grpcplatform.chat..");
	}

	@Test
	void chatServiceImportsNothingOfUserService() {
		knowsNothingOf("chat-service", "dev.grpcplatform.user..");
	}

	@Test
	void edgesAreFoundByTheirPackageName() {
		assertThat(edgeOf("dev.grpcplatform.starter.boot3.health")).contains("boot3");
		assertThat(edgeOf("dev.grpcplatform.starter.boot4")).contains("boot4");
		assertThat(edgeOf("dev.grpcplatform.starter.health")).isEmpty();
		assertThat(edgeOf("dev.grpcplatform.starter.bootstrap")).isEmpty();
	}

	private static void knowsNothingOf(String service, String otherServicePackage) {
		noClasses().should()
			.dependOnClassesThat()
			.resideInAPackage(otherServicePackage)
			.because("the services meet only through the contracts, over the wire")
			.check(compiled(service, "target/classes", "target/test-classes"));
	}

	private static Optional<String> edgeOf(String packageName) {
		Matcher matcher = EDGE_PACKAGE.matcher(packageName);
		return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
	}

	private static DescribedPredicate<JavaClass> inAnEdge() {
		return DescribedPredicate.describe("reside in an edge (" + STARTER + ".boot<line>..)",
				(javaClass) -> edgeOf(javaClass.getPackageName()).isPresent());
	}

	private static ArchCondition<JavaClass> dependOnNoOtherEdge() {
		return new ArchCondition<>("depend on no other edge") {

			@Override
			public void check(JavaClass javaClass, ConditionEvents events) {
				String edge = edgeOf(javaClass.getPackageName()).orElseThrow();
				for (Dependency dependency : javaClass.getDirectDependenciesFromSelf()) {
					Optional<String> target = edgeOf(dependency.getTargetClass().getPackageName());
					if (target.isPresent() && !target.get().equals(edge)) {
						events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
					}
				}
			}

		};
	}

	private static JavaClasses mainClasses(String... modules) {
		return compiled(modules, "target/classes");
	}

	private static JavaClasses compiled(String module, String... outputs) {
		return compiled(new String[] { module }, outputs);
	}

	private static JavaClasses compiled(String[] modules, String... outputs) {
		Path[] paths = Arrays.stream(modules)
			.flatMap((module) -> Arrays.stream(outputs).map((output) -> Project.file(module).resolve(output)))
			.filter((path) -> !path.endsWith("test-classes") || Files.isDirectory(path))
			.toArray(Path[]::new);
		for (Path path : paths) {
			assertThat(path).as("compiled classes of %s (build the module first)", path).isDirectory();
		}
		JavaClasses imported = new ClassFileImporter().importPaths(paths);
		assertThat(imported).as("classes in %s", Arrays.toString(paths)).isNotEmpty();
		return imported;
	}

}
