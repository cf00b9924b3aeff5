package dev.grpcplatform.starter.boot3;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.grpcplatform.starter.internal.PlatformDefaults;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Adds the defaults that let the platform's features replace their net.devh counterparts.
 *
 * <p>The defaults have the lowest precedence, so any property a user sets wins. Each is added only
 * while the platform feature that replaces it is enabled:
 * <ul>
 * <li>{@code grpc.server.health-service-enabled=false}: the platform registers its own
 * {@code grpc.health.v1.Health} that follows Actuator readiness and liveness;</li>
 * <li>{@code grpc.server.reflection-service-enabled=false}: the platform registers reflection v1 and
 * v1alpha (net.devh registers only v1alpha);</li>
 * <li>{@code management.endpoint.health.probes.enabled=true}: Actuator's readiness and liveness
 * groups exist everywhere, not only on Kubernetes, so gRPC health can follow them;</li>
 * <li>{@code grpc.metricsA66Enabled=false}: the platform records the A66 metrics itself (net.devh's
 * A66 server stream tracer and client interceptor would count every call a second time), and
 * {@code management.endpoints.web.exposure.include=health,prometheus} exposes them;</li>
 * <li>{@code management.tracing.grpc.enabled=false} while platform metrics or tracing are enabled:
 * net.devh's Micrometer Observation interceptors would give every call a second span and a second
 * timer.</li>
 * </ul>
 * <p>While platform security is enabled, net.devh's {@code GrpcServerSecurityAutoConfiguration} is
 * added to {@code spring.autoconfigure.exclude}: it would install a second authentication chain (and
 * fail without a {@code GrpcAuthenticationReader}) as soon as the application has an
 * {@code AuthenticationManager} bean. The exclusion list is a list, which a lowest-precedence default
 * could not extend, so the merged list (the user's exclusions plus this one) takes precedence.
 */
public class PlatformDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String PROPERTY_SOURCE_NAME = "grpcPlatformDefaults";

	static final String EXCLUDE_PROPERTY_SOURCE_NAME = "grpcPlatformAutoConfigurationExclusions";

	static final String NET_DEVH_SECURITY_AUTO_CONFIGURATION = "net.devh.boot.grpc.server.autoconfigure.GrpcServerSecurityAutoConfiguration";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		if (PlatformDefaults.isEnabled(environment, "health")) {
			defaults.put("grpc.server.health-service-enabled", "false");
			defaults.put("management.endpoint.health.probes.enabled", "true");
		}
		if (PlatformDefaults.isEnabled(environment, "reflection")) {
			defaults.put("grpc.server.reflection-service-enabled", "false");
		}
		boolean metrics = PlatformDefaults.isEnabled(environment, "metrics");
		if (metrics) {
			defaults.put("grpc.metricsA66Enabled", "false");
			defaults.put("management.endpoints.web.exposure.include", "health,prometheus");
		}
		if (metrics || PlatformDefaults.isEnabled(environment, "tracing")) {
			defaults.put("management.tracing.grpc.enabled", "false");
		}
		if (!defaults.isEmpty()) {
			environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
		}
		if (PlatformDefaults.isEnabled(environment, "security")) {
			PlatformDefaults.exclude(environment, EXCLUDE_PROPERTY_SOURCE_NAME, List.of(NET_DEVH_SECURITY_AUTO_CONFIGURATION));
		}
	}

	@Override
	public int getOrder() {
		// After the config data (application.properties) is loaded, so the feature switches are seen.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
