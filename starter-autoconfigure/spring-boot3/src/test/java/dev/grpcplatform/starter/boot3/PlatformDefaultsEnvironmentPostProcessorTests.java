package dev.grpcplatform.starter.boot3;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.test.context.support.TestPropertySourceUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PlatformDefaultsEnvironmentPostProcessor}.
 */
class PlatformDefaultsEnvironmentPostProcessorTests {

	private final StandardEnvironment environment = new StandardEnvironment();

	private final PlatformDefaultsEnvironmentPostProcessor postProcessor = new PlatformDefaultsEnvironmentPostProcessor();

	@Test
	void switchesOffNetDevhHealthAndReflectionWhilePlatformFeaturesAreOn() {
		this.postProcessor.postProcessEnvironment(this.environment, new SpringApplication());
		assertThat(this.environment.getProperty("grpc.server.health-service-enabled")).isEqualTo("false");
		assertThat(this.environment.getProperty("grpc.server.reflection-service-enabled")).isEqualTo("false");
		assertThat(this.environment.getProperty("management.endpoint.health.probes.enabled")).isEqualTo("true");
	}

	@Test
	void userSettingsWinOverTheDefaults() {
		TestPropertySourceUtils.addInlinedPropertiesToEnvironment(this.environment,
				"management.endpoint.health.probes.enabled=false");
		this.postProcessor.postProcessEnvironment(this.environment, new SpringApplication());
		assertThat(this.environment.getProperty("management.endpoint.health.probes.enabled")).isEqualTo("false");
	}

	@Test
	void leavesNetDevhServicesAloneWhenPlatformFeaturesAreOff() {
		TestPropertySourceUtils.addInlinedPropertiesToEnvironment(this.environment,
				"platform.grpc.health.enabled=false", "platform.grpc.reflection.enabled=false",
				"platform.grpc.metrics.enabled=false", "platform.grpc.tracing.enabled=false");
		this.postProcessor.postProcessEnvironment(this.environment, new SpringApplication());
		assertThat(this.environment.getProperty("grpc.server.health-service-enabled")).isNull();
		assertThat(this.environment.getProperty("grpc.server.reflection-service-enabled")).isNull();
		assertThat(this.environment.getPropertySources()
			.contains(PlatformDefaultsEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).isFalse();
	}

	@Test
	void excludesNetDevhSecurityWhilePlatformSecurityIsOnAndKeepsTheUsersExclusions() {
		TestPropertySourceUtils.addInlinedPropertiesToEnvironment(this.environment,
				"spring.autoconfigure.exclude=com.example.FirstAutoConfiguration,com.example.SecondAutoConfiguration");
		this.postProcessor.postProcessEnvironment(this.environment, new SpringApplication());
		assertThat(this.environment.getProperty("spring.autoconfigure.exclude", String[].class)).containsExactly(
				"com.example.FirstAutoConfiguration", "com.example.SecondAutoConfiguration",
				PlatformDefaultsEnvironmentPostProcessor.NET_DEVH_SECURITY_AUTO_CONFIGURATION);
	}

	@Test
	void leavesNetDevhSecurityAloneWhenPlatformSecurityIsOff() {
		TestPropertySourceUtils.addInlinedPropertiesToEnvironment(this.environment,
				"platform.grpc.security.enabled=false");
		this.postProcessor.postProcessEnvironment(this.environment, new SpringApplication());
		assertThat(this.environment.getProperty("spring.autoconfigure.exclude")).isNull();
	}

	@Test
	void switchesOffNetDevhMetricsAndObservationsAndExposesPrometheusWhilePlatformMetricsAreOn() {
		this.postProcessor.postProcessEnvironment(this.environment, new SpringApplication());
		assertThat(this.environment.getProperty("grpc.metricsA66Enabled")).isEqualTo("false");
		assertThat(this.environment.getProperty("management.tracing.grpc.enabled")).isEqualTo("false");
		assertThat(this.environment.getProperty("management.endpoints.web.exposure.include"))
			.isEqualTo("health,prometheus");
	}

	@Test
	void platformTracingAloneSwitchesOffNetDevhObservationsButLeavesItsMetrics() {
		TestPropertySourceUtils.addInlinedPropertiesToEnvironment(this.environment,
				"platform.grpc.metrics.enabled=false");
		this.postProcessor.postProcessEnvironment(this.environment, new SpringApplication());
		assertThat(this.environment.getProperty("management.tracing.grpc.enabled")).isEqualTo("false");
		assertThat(this.environment.getProperty("grpc.metricsA66Enabled")).isNull();
		assertThat(this.environment.getProperty("management.endpoints.web.exposure.include")).isNull();
	}

	@Test
	void leavesNetDevhObservationsAloneWhenPlatformMetricsAndTracingAreOff() {
		TestPropertySourceUtils.addInlinedPropertiesToEnvironment(this.environment,
				"platform.grpc.metrics.enabled=false", "platform.grpc.tracing.enabled=false");
		this.postProcessor.postProcessEnvironment(this.environment, new SpringApplication());
		assertThat(this.environment.getProperty("management.tracing.grpc.enabled")).isNull();
		assertThat(this.environment.getProperty("grpc.metricsA66Enabled")).isNull();
	}

	@Test
	void userExposureOfActuatorEndpointsWins() {
		TestPropertySourceUtils.addInlinedPropertiesToEnvironment(this.environment,
				"management.endpoints.web.exposure.include=health,info");
		this.postProcessor.postProcessEnvironment(this.environment, new SpringApplication());
		assertThat(this.environment.getProperty("management.endpoints.web.exposure.include")).isEqualTo("health,info");
	}

}
