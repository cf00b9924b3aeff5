package dev.grpcplatform.starter.boot4.health;

import dev.grpcplatform.starter.health.AvailabilityGrpcHealthProbes;
import dev.grpcplatform.starter.health.GrpcHealthProbes;
import dev.grpcplatform.starter.health.GrpcHealthProperties;
import dev.grpcplatform.starter.health.GrpcHealthStatusUpdater;
import io.grpc.BindableService;
import io.grpc.protobuf.services.HealthStatusManager;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.server.GrpcServerFactory;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * {@code grpc.health.v1.Health} service, following Actuator's readiness and liveness groups or,
 * without Actuator's health endpoint, Spring Boot's application availability.
 *
 * <p>Replaces Spring Boot's gRPC health service ({@code spring.grpc.server.health.enabled} defaults
 * to {@code false} while this is enabled), whose statuses follow health contributors on a schedule
 * but neither the readiness state nor the start of shutdown. Runs before Spring Boot's gRPC server
 * auto-configuration, which starts a server only when a {@code BindableService} bean exists.
 */
@AutoConfiguration(after = ApplicationAvailabilityAutoConfiguration.class,
		afterName = "org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration",
		beforeName = { "org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration",
				"org.springframework.boot.grpc.server.autoconfigure.health.GrpcServerHealthAutoConfiguration" })
@ConditionalOnClass({ HealthStatusManager.class, GrpcServerFactory.class })
@ConditionalOnProperty(prefix = "platform.grpc.health", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(GrpcHealthProperties.class)
public final class GrpcHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	HealthStatusManager grpcHealthStatusManager() {
		return new HealthStatusManager();
	}

	@Bean
	@ConditionalOnMissingBean(name = "grpcPlatformHealthService")
	BindableService grpcPlatformHealthService(HealthStatusManager healthStatusManager) {
		return healthStatusManager.getHealthService();
	}

	@Bean
	@ConditionalOnMissingBean
	GrpcHealthStatusUpdater grpcHealthStatusUpdater(HealthStatusManager healthStatusManager,
			GrpcHealthProbes grpcHealthProbes, GrpcHealthProperties properties) {
		return new GrpcHealthStatusUpdater(healthStatusManager, grpcHealthProbes, properties.getRefreshInterval(),
				properties.getReadinessServiceName(), properties.getLivenessServiceName());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthEndpoint.class)
	@ConditionalOnBean(HealthEndpoint.class)
	static class ActuatorProbesConfiguration {

		@Bean
		@ConditionalOnMissingBean(GrpcHealthProbes.class)
		ActuatorGrpcHealthProbes actuatorGrpcHealthProbes(HealthEndpoint healthEndpoint,
				ApplicationAvailability applicationAvailability) {
			return new ActuatorGrpcHealthProbes(healthEndpoint, new AvailabilityGrpcHealthProbes(applicationAvailability));
		}

	}

	// Excludes the Actuator variant by condition: the order of nested configurations is not defined.
	@Configuration(proxyBeanMethods = false)
	static class AvailabilityProbesConfiguration {

		@Bean
		@ConditionalOnMissingBean(value = GrpcHealthProbes.class,
				type = "org.springframework.boot.health.actuate.endpoint.HealthEndpoint")
		AvailabilityGrpcHealthProbes availabilityGrpcHealthProbes(ApplicationAvailability applicationAvailability) {
			return new AvailabilityGrpcHealthProbes(applicationAvailability);
		}

	}

}
