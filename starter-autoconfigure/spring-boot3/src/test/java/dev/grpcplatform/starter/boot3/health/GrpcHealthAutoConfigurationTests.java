package dev.grpcplatform.starter.boot3.health;

import java.util.concurrent.TimeUnit;

import dev.grpcplatform.starter.health.AvailabilityGrpcHealthProbes;
import dev.grpcplatform.starter.health.GrpcHealthProbes;
import dev.grpcplatform.starter.health.GrpcHealthProperties;
import dev.grpcplatform.starter.health.GrpcHealthStatusUpdater;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.availability.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.availability.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcHealthAutoConfiguration}.
 */
class GrpcHealthAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(GrpcHealthAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class));

	private final ApplicationContextRunner actuatorContextRunner = this.contextRunner
		.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
				HealthContributorAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
				AvailabilityHealthContributorAutoConfiguration.class, AvailabilityProbesAutoConfiguration.class))
		.withPropertyValues("management.endpoint.health.probes.enabled=true");

	@Test
	void healthServiceIsRegisteredAndNotServingBeforeTheApplicationIsReady() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(HealthStatusManager.class).hasSingleBean(GrpcHealthStatusUpdater.class);
			assertThat(check(context, "")).isEqualTo(ServingStatus.NOT_SERVING);
			assertThat(check(context, "liveness")).isEqualTo(ServingStatus.NOT_SERVING);
			assertThat(check(context, "readiness")).isEqualTo(ServingStatus.NOT_SERVING);
		});
	}

	@Test
	void healthServiceIsRegisteredWhenEnabledExplicitly() {
		this.contextRunner.withPropertyValues("platform.grpc.health.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(GrpcHealthStatusUpdater.class)
				.hasBean("grpcPlatformHealthService"));
	}

	@Test
	void nothingIsRegisteredWhenDisabled() {
		this.contextRunner.withPropertyValues("platform.grpc.health.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HealthStatusManager.class)
				.doesNotHaveBean(GrpcHealthStatusUpdater.class)
				.doesNotHaveBean("grpcPlatformHealthService"));
	}

	@Test
	void nothingIsRegisteredWithoutGrpcServices() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthStatusManager.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcHealthStatusUpdater.class));
	}

	@Test
	void readinessFollowsActuatorHealthGroupsWhenTheHealthEndpointExists() {
		this.actuatorContextRunner.run((context) -> {
			assertThat(context).hasSingleBean(HealthEndpoint.class);
			assertThat(context.getBean(GrpcHealthProbes.class)).isInstanceOf(ActuatorGrpcHealthProbes.class);
		});
	}

	@Test
	void readinessFollowsApplicationAvailabilityWhenTheHealthEndpointIsNotExposed() {
		this.actuatorContextRunner.withPropertyValues("management.endpoints.web.exposure.exclude=health")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(HealthEndpoint.class);
				assertThat(context.getBean(GrpcHealthProbes.class)).isInstanceOf(AvailabilityGrpcHealthProbes.class);
			});
	}

	@Test
	void readinessFollowsApplicationAvailabilityWithoutActuator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(GrpcHealthProbes.class)).isInstanceOf(AvailabilityGrpcHealthProbes.class);
			});
	}

	@Test
	void userHealthStatusManagerWinsAndItsServiceIsServed() {
		HealthStatusManager userManager = new HealthStatusManager();
		this.contextRunner.withBean(HealthStatusManager.class, () -> userManager).run((context) -> {
			assertThat(context).hasSingleBean(HealthStatusManager.class);
			assertThat(context.getBean(HealthStatusManager.class)).isSameAs(userManager);
			assertThat(context.getBean("grpcPlatformHealthService")).isSameAs(userManager.getHealthService());
			assertThat(check(context, "")).isEqualTo(ServingStatus.NOT_SERVING);
		});
	}

	@Test
	void userProbesWin() {
		GrpcHealthProbes userProbes = new GrpcHealthProbes() {

			@Override
			public boolean isReady() {
				return true;
			}

			@Override
			public boolean isLive() {
				return true;
			}

		};
		this.actuatorContextRunner.withBean(GrpcHealthProbes.class, () -> userProbes)
			.run((context) -> assertThat(context.getBean(GrpcHealthProbes.class)).isSameAs(userProbes));
	}

	@Test
	void refreshIntervalIsBound() {
		this.contextRunner.withPropertyValues("platform.grpc.health.refresh-interval=250ms")
			.run((context) -> assertThat(context.getBean(GrpcHealthProperties.class).getRefreshInterval())
				.hasMillis(250));
	}

	@Test
	void zeroRefreshIntervalFailsStartup() {
		this.contextRunner.withPropertyValues("platform.grpc.health.refresh-interval=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("refresh-interval must be at least 1ms"));
	}

	@Test
	void emptyLivenessServiceNameFailsStartup() {
		this.contextRunner.withPropertyValues("platform.grpc.health.liveness-service-name=")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("liveness-service-name must not be empty"));
	}

	@Test
	void sameServiceNameForReadinessAndLivenessFailsStartup() {
		this.contextRunner
			.withPropertyValues("platform.grpc.health.liveness-service-name=probe",
					"platform.grpc.health.readiness-service-name=probe")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("Readiness and liveness need different service names"));
	}

	private static ServingStatus check(ApplicationContext context, String service) throws Exception {
		String name = InProcessServerBuilder.generateName();
		Server server = InProcessServerBuilder.forName(name)
			.directExecutor()
			.addService(context.getBean("grpcPlatformHealthService", BindableService.class))
			.build()
			.start();
		ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
		try {
			return HealthGrpc.newBlockingStub(channel)
				.check(HealthCheckRequest.newBuilder().setService(service).build())
				.getStatus();
		}
		finally {
			channel.shutdownNow();
			server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
	}

}
