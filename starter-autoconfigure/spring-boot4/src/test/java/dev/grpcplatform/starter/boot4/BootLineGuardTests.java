package dev.grpcplatform.starter.boot4;

import java.net.URL;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link BootLineGuard}: this edge on the wrong class path stops the application at
 * start-up with one message that names the artifact to use.
 */
@ExtendWith(OutputCaptureExtension.class)
class BootLineGuardTests {

	@Test
	void fitsSpringBoot4WithoutTheOtherEdge() {
		assertThat(BootLineGuard.problem(getClass().getClassLoader())).isNull();
	}

	@Test
	void onSpringBoot3ItNamesTheSpringBoot3Starter() {
		assertThat(BootLineGuard.problem(new ClassPath(false, false)))
			.startsWith("grpc-platform-spring-boot4-starter is for Spring Boot 4.1, but this application runs on "
					+ "Spring Boot ")
			.endsWith(": use grpc-platform-spring-boot3-starter instead.");
	}

	@Test
	void withBothEdgesOnSpringBoot4ItNamesTheOneToRemove() {
		assertThat(BootLineGuard.problem(new ClassPath(true, true))).isEqualTo(
				"grpc-platform-spring-boot4-starter and grpc-platform-spring-boot3-starter are both on the class path "
						+ "of this Spring Boot 4 application: keep grpc-platform-spring-boot4-starter and remove "
						+ "grpc-platform-spring-boot3-starter (it is for Spring Boot 3.5).");
	}

	@Test
	void withBothEdgesOnSpringBoot3ItNamesTheSpringBoot3Starter() {
		assertThat(BootLineGuard.problem(new ClassPath(false, true)))
			.endsWith(": use grpc-platform-spring-boot3-starter instead and remove grpc-platform-spring-boot4-starter.");
	}

	@Test
	void applicationOnTheWrongClassPathFailsAtStartupWithOneReport(CapturedOutput output) {
		SpringApplication application = new SpringApplication(EmptyApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setResourceLoader(new DefaultResourceLoader(new ClassPath(true, true)));
		assertThatIllegalStateException().isThrownBy(application::run)
			.withMessageContaining("remove grpc-platform-spring-boot3-starter");
		assertThat(output).containsOnlyOnce("APPLICATION FAILED TO START")
			.containsOnlyOnce("keep grpc-platform-spring-boot4-starter and remove grpc-platform-spring-boot3-starter")
			.contains("Depend on the grpc-platform starter of your Spring Boot line");
	}

	@SpringBootConfiguration
	static class EmptyApplication {

	}

	/**
	 * This test's class path with Spring Boot 4 and the Spring Boot 3.5 edge present or not.
	 */
	static final class ClassPath extends ClassLoader {

		private final boolean boot4;

		private final boolean boot3Edge;

		ClassPath(boolean boot4, boolean boot3Edge) {
			super(BootLineGuardTests.class.getClassLoader());
			this.boot4 = boot4;
			this.boot3Edge = boot3Edge;
		}

		@Override
		public URL getResource(String name) {
			if (name.equals(BootLineGuard.BOOT4_MARKER) && !this.boot4) {
				return null;
			}
			if (name.equals(BootLineGuard.BOOT3_EDGE_MARKER) && this.boot3Edge) {
				return super.getResource(BootLineGuardTests.class.getName().replace('.', '/') + ".class");
			}
			return super.getResource(name);
		}

	}

}
