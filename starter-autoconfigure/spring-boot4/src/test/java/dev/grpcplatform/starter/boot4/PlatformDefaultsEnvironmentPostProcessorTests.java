package dev.grpcplatform.starter.boot4;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PlatformDefaultsEnvironmentPostProcessor}.
 */
class PlatformDefaultsEnvironmentPostProcessorTests {

	private static final String SECURITY = "org.springframework.boot.grpc.server.autoconfigure.security.GrpcServerSecurityAutoConfiguration";

	private static final String OAUTH2 = "org.springframework.boot.grpc.server.autoconfigure.security.GrpcServerOAuth2ResourceServerAutoConfiguration";

	@Test
	void springBootsHealthReflectionObservationAndSecurityStepAsideByDefault() {
		ConfigurableEnvironment environment = postProcess(new MockEnvironment());
		assertThat(environment.getProperty("spring.grpc.server.health.enabled")).isEqualTo("false");
		assertThat(environment.getProperty("spring.grpc.server.reflection.enabled")).isEqualTo("false");
		assertThat(environment.getProperty("spring.grpc.server.observation.enabled")).isEqualTo("false");
		assertThat(environment.getProperty("spring.grpc.client.observation.enabled")).isEqualTo("false");
		assertThat(environment.getProperty("management.endpoint.health.probes.enabled")).isEqualTo("true");
		assertThat(environment.getProperty("management.endpoints.web.exposure.include")).isEqualTo("health,prometheus");
		assertThat(environment.getProperty("spring.autoconfigure.exclude")).isEqualTo(SECURITY + "," + OAUTH2);
	}

	@Test
	void propertiesTheUserSetsWin() {
		ConfigurableEnvironment environment = postProcess(new MockEnvironment()
			.withProperty("spring.grpc.server.observation.enabled", "true")
			.withProperty("spring.autoconfigure.exclude", "com.example.Other"));
		assertThat(environment.getProperty("spring.grpc.server.observation.enabled")).isEqualTo("true");
		assertThat(environment.getProperty("spring.autoconfigure.exclude"))
			.isEqualTo("com.example.Other," + SECURITY + "," + OAUTH2);
	}

	@Test
	void switchedOffFeaturesLeaveSpringBootsCounterpartsOnButReflection() {
		ConfigurableEnvironment environment = postProcess(new MockEnvironment()
			.withProperty("platform.grpc.health.enabled", "false")
			.withProperty("platform.grpc.reflection.enabled", "false")
			.withProperty("platform.grpc.metrics.enabled", "false")
			.withProperty("platform.grpc.tracing.enabled", "false")
			.withProperty("platform.grpc.security.enabled", "false"));
		assertThat(environment.getProperty("spring.grpc.server.health.enabled")).isNull();
		assertThat(environment.getProperty("spring.grpc.server.reflection.enabled")).isEqualTo("false");
		assertThat(environment.getProperty("spring.grpc.server.observation.enabled")).isNull();
		assertThat(environment.getProperty("spring.autoconfigure.exclude")).isNull();
	}

	@Test
	void platformTlsIsHandedToSpringBootAndWinsOverItsOwnKeys() {
		ConfigurableEnvironment environment = postProcess(new MockEnvironment()
			.withProperty("platform.grpc.security.tls.bundle", "server")
			.withProperty("platform.grpc.security.tls.client-auth", "optional")
			.withProperty("spring.grpc.server.ssl.bundle", "other")
			.withProperty("platform.grpc.client.channels.billing.tls.bundle", "client"));
		assertThat(environment.getProperty("spring.grpc.server.ssl.bundle")).isEqualTo("server");
		assertThat(environment.getProperty("spring.grpc.server.ssl.client-auth")).isEqualTo("OPTIONAL");
		assertThat(environment.getProperty("spring.grpc.client.channel.billing.ssl.bundle")).isEqualTo("client");
	}

	@Test
	void withoutPlatformTlsSpringBootsSslKeysStay() {
		ConfigurableEnvironment environment = postProcess(
				new MockEnvironment().withProperty("spring.grpc.server.ssl.bundle", "other"));
		assertThat(environment.getProperty("spring.grpc.server.ssl.bundle")).isEqualTo("other");
		assertThat(environment.getProperty("spring.grpc.server.ssl.client-auth")).isNull();
	}

	private static ConfigurableEnvironment postProcess(ConfigurableEnvironment environment) {
		new PlatformDefaultsEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
		return environment;
	}

}
