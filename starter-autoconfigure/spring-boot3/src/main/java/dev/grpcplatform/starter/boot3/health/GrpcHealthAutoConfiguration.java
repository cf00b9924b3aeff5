package dev.grpcplatform.starter.boot3.health;

import dev.grpcplatform.starter.health.AvailabilityGrpcHealthProbes;
import dev.grpcplatform.starter.health.GrpcHealthProbes;
import dev.grpcplatform.starter.health.GrpcHealthProperties;
import dev.grpcplatform.starter.health.GrpcHealthStatusUpdater;
import io.grpc.BindableService;
import io.grpc.protobuf.services.HealthStatusManager;

import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import net.devh.boot.grpc.server.autoconfigure.GrpcHealthServiceAutoConfiguration;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * {@code grpc.health.v1.Health} service, following Actuator's readiness and liveness groups or,
 * without Actuator's health endpoint, Spring Boot's application availability.
 *
 * <p>Replaces net.devh's health service, which reports {@code SERVING} from start to end.
 * Actuator's {@link HealthEndpoint} exists whenever the health endpoint is available (by default it
 * is, also in applications that are not web applications, because web exposure includes
 * {@code health}); with {@code management.endpoints.web.exposure.exclude=health} and JMX off, gRPC
 * health follows only the availability states.
 */
@AutoConfiguration(before = GrpcHealthServiceAutoConfiguration.class,
		after = ApplicationAvailabilityAutoConfiguration.class,
		afterName = "org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration")
@ConditionalOnClass({ HealthStatusManager.class, GrpcHealthServiceAutoConfiguration.class })
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
				type = "org.springframework.boot.actuate.health.HealthEndpoint")
		AvailabilityGrpcHealthProbes availabilityGrpcHealthProbes(ApplicationAvailability applicationAvailability) {
			return new AvailabilityGrpcHealthProbes(applicationAvailability);
		}

	}

}
