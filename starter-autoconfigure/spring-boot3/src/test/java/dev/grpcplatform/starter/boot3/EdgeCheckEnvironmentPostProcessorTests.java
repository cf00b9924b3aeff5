package dev.grpcplatform.starter.boot3;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.grpcplatform.starter.internal.EdgeGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link EdgeCheckEnvironmentPostProcessor}: the Boot 3.5 edge on the wrong Spring Boot
 * line or beside another edge stops start-up with one message naming the artifact to use.
 */
class EdgeCheckEnvironmentPostProcessorTests {

	@TempDir
	Path otherEdgeJar;

	@Test
	void thisEdgeAloneOnSpringBoot35Starts() {
		SpringApplication application = new SpringApplication();
		assertThatNoException().isThrownBy(() -> new EdgeCheckEnvironmentPostProcessor()
			.postProcessEnvironment(new MockEnvironment(), application));
	}

	@Test
	void thisEdgeOnSpringBoot4FailsNamingTheSpringBoot4Starter() {
		assertThatIllegalStateException()
			.isThrownBy(() -> EdgeGuard.check("4.1.2", getClass().getClassLoader()))
			.withMessage("grpc-platform: grpc-platform-spring-boot3-starter does not run on Spring Boot 4.1.2: "
					+ "use grpc-platform-spring-boot4-starter instead.");
	}

	@Test
	void twoEdgesOnTheClassPathFailNamingTheOneForTheRunningLine() throws IOException {
		SpringApplication application = new SpringApplication();
		application.setResourceLoader(new DefaultResourceLoader(withEdge("grpc-platform-spring-boot4-starter", 4)));
		assertThatIllegalStateException()
			.isThrownBy(() -> new EdgeCheckEnvironmentPostProcessor().postProcessEnvironment(new MockEnvironment(),
					application))
			.withMessage("grpc-platform: the edges grpc-platform-spring-boot3-starter and "
					+ "grpc-platform-spring-boot4-starter are both on the class path, but one application runs on one "
					+ "Spring Boot line: keep only grpc-platform-spring-boot3-starter for Spring Boot "
					+ SpringBootVersion.getVersion() + ".");
	}

	@Test
	void twoEdgesOnSpringBoot4NameTheSpringBoot4Starter() throws IOException {
		assertThatIllegalStateException()
			.isThrownBy(() -> EdgeGuard.check("4.1.2", withEdge("grpc-platform-spring-boot4-starter", 4)))
			.withMessageEndingWith("keep only grpc-platform-spring-boot4-starter for Spring Boot 4.1.2.");
	}

	@Test
	void unknownVersionIsTakenFromTheClassPath() {
		assertThatNoException().isThrownBy(() -> EdgeGuard.check(null, getClass().getClassLoader()));
	}

	private ClassLoader withEdge(String artifact, int springBootMajor) throws IOException {
		Path descriptor = this.otherEdgeJar.resolve(EdgeGuard.DESCRIPTOR);
		Files.createDirectories(descriptor.getParent());
		Files.writeString(descriptor, "artifact=" + artifact + "\nspring-boot=" + springBootMajor + "\n");
		return new URLClassLoader(new URL[] { this.otherEdgeJar.toUri().toURL() }, getClass().getClassLoader());
	}

}
