package dev.grpcplatform.starter.boot4;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.grpcplatform.starter.internal.EdgeGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BootLineGuard}: this edge on the wrong Spring Boot line or beside another edge
 * stops start-up with one report naming the artifact to use.
 */
@ExtendWith(OutputCaptureExtension.class)
class BootLineGuardTests {

	@TempDir
	Path otherEdgeJar;

	@Test
	void thisEdgeAloneOnSpringBoot4Starts() {
		assertThatNoException()
			.isThrownBy(() -> BootLineGuard.check(SpringBootVersion.getVersion(), getClass().getClassLoader()));
	}

	@Test
	void thisEdgeOnSpringBoot3FailsNamingTheSpringBoot3Starter() {
		assertThatIllegalStateException().isThrownBy(() -> BootLineGuard.check("3.5.16", getClass().getClassLoader()))
			.withMessage("grpc-platform: grpc-platform-spring-boot4-starter does not run on Spring Boot 3.5.16: "
					+ "use grpc-platform-spring-boot3-starter instead.");
	}

	@Test
	void twoEdgesOnSpringBoot4NameTheSpringBoot4Starter() throws IOException {
		assertThatIllegalStateException()
			.isThrownBy(() -> BootLineGuard.check("4.1.2", withEdge("grpc-platform-spring-boot3-starter", 3)))
			.withMessageEndingWith("keep only grpc-platform-spring-boot4-starter for Spring Boot 4.1.2.");
	}

	@Test
	void applicationWithBothEdgesFailsAtStartupWithOneReport(CapturedOutput output) throws IOException {
		SpringApplication application = new SpringApplication(EmptyApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setResourceLoader(new DefaultResourceLoader(withEdge("grpc-platform-spring-boot3-starter", 3)));
		assertThatIllegalStateException().isThrownBy(application::run)
			.withMessageContaining("keep only grpc-platform-spring-boot4-starter");
		assertThat(output).containsOnlyOnce("APPLICATION FAILED TO START")
			.containsOnlyOnce("keep only grpc-platform-spring-boot4-starter for Spring Boot")
			.contains("Depend on the grpc-platform starter of your Spring Boot line");
	}

	private ClassLoader withEdge(String artifact, int springBootMajor) throws IOException {
		Path descriptor = this.otherEdgeJar.resolve(EdgeGuard.DESCRIPTOR);
		Files.createDirectories(descriptor.getParent());
		Files.writeString(descriptor, "artifact=" + artifact + "\nspring-boot=" + springBootMajor + "\n");
		return new URLClassLoader(new URL[] { this.otherEdgeJar.toUri().toURL() }, getClass().getClassLoader());
	}

	@SpringBootConfiguration
	static class EmptyApplication {

	}

}
