package dev.grpcplatform.starter.boot4.health;

import dev.grpcplatform.starter.boot4.BootGrpcContextRunners;
import dev.grpcplatform.starter.health.AvailabilityGrpcHealthProbes;
import dev.grpcplatform.starter.health.GrpcHealthProbes;
import dev.grpcplatform.starter.health.GrpcHealthStatusUpdater;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import io.grpc.protobuf.services.HealthStatusManager;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.grpc.server.service.GrpcServiceDiscoverer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcHealthAutoConfiguration}.
 */
class GrpcHealthAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = BootGrpcContextRunners
		.server(GrpcHealthAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class)
		.withBean(EchoGrpcService.class);

	private final ApplicationContextRunner actuatorContextRunner = this.contextRunner
		.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
				HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
				HealthEndpointAutoConfiguration.class, AvailabilityHealthContributorAutoConfiguration.class,
				AvailabilityProbesAutoConfiguration.class));

	@Test
	void platformHealthServiceReplacesSpringBoots() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(GrpcHealthStatusUpdater.class)
				.hasBean("grpcPlatformHealthService")
				.doesNotHaveBean("grpcServerHealthService");
			assertThat(context.getBean(GrpcServiceDiscoverer.class).listServiceNames()).containsOnlyOnce(
					"grpc.health.v1.Health");
		});
	}

	@Test
	void readinessFollowsActuatorsHealthGroupsOnSpringBoot4() {
		this.actuatorContextRunner.run((context) -> {
			assertThat(context).hasSingleBean(HealthEndpoint.class);
			assertThat(context.getBean(GrpcHealthProbes.class)).isInstanceOf(ActuatorGrpcHealthProbes.class);
		});
	}

	@Test
	void readinessFollowsApplicationAvailabilityWithoutActuator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context.getBean(GrpcHealthProbes.class))
				.isInstanceOf(AvailabilityGrpcHealthProbes.class));
	}

	@Test
	void enabledExplicitlyRegistersTheService() {
		this.contextRunner.withPropertyValues("platform.grpc.health.enabled=true")
			.run((context) -> assertThat(context).hasBean("grpcPlatformHealthService"));
	}

	@Test
	void disabledLeavesHealthToSpringBoot() {
		this.contextRunner.withPropertyValues("platform.grpc.health.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcHealthStatusUpdater.class)
				.doesNotHaveBean("grpcPlatformHealthService")
				.hasBean("grpcServerHealthService"));
	}

	@Test
	void nothingIsRegisteredWithoutGrpcServices() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthStatusManager.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcHealthStatusUpdater.class));
	}

	@Test
	void userHealthStatusManagerWins() {
		HealthStatusManager user = new HealthStatusManager();
		this.contextRunner.withBean(HealthStatusManager.class, () -> user).run((context) -> {
			assertThat(context.getBean(HealthStatusManager.class)).isSameAs(user);
			assertThat(context.getBean("grpcPlatformHealthService")).isSameAs(user.getHealthService());
		});
	}

}
