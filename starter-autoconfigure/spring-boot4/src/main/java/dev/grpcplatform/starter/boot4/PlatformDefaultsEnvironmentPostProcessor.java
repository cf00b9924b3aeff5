package dev.grpcplatform.starter.boot4;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.grpcplatform.starter.client.GrpcClientProperties;
import dev.grpcplatform.starter.internal.PlatformDefaults;
import dev.grpcplatform.starter.security.GrpcSecurityProperties;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Adds the defaults that let the platform's features replace their Spring Boot 4.1 gRPC
 * counterparts.
 *
 * <p>The defaults have the lowest precedence, so any property a user sets wins. Each is added only
 * while the platform feature that replaces it is enabled:
 * <ul>
 * <li>{@code spring.grpc.server.health.enabled=false}: the platform registers its own
 * {@code grpc.health.v1.Health} that follows Actuator's readiness and liveness groups and turns
 * {@code NOT_SERVING} when shutdown begins (two health services would fail start-up with "Found
 * duplicate service implementation");</li>
 * <li>{@code spring.grpc.server.reflection.enabled=false}: the platform registers reflection v1 and
 * v1alpha (Spring Boot registers only v1); also while the platform's reflection is switched off, so
 * that {@code platform.grpc.reflection.enabled=false} means no {@code grpc.reflection.v1} service on
 * both Boot lines;</li>
 * <li>{@code management.endpoint.health.probes.enabled=true}: Actuator's readiness and liveness
 * groups exist everywhere, not only on Kubernetes, so gRPC health can follow them;</li>
 * <li>{@code management.endpoints.web.exposure.include=health,prometheus} while platform metrics are
 * enabled;</li>
 * <li>{@code spring.grpc.server.observation.enabled=false} and
 * {@code spring.grpc.client.observation.enabled=false} while platform metrics or tracing are
 * enabled: Spring Boot's Micrometer Observation interceptors would give every call a second timer
 * ({@code grpc.server}, {@code grpc.client}) and, with Micrometer Tracing, a second span.</li>
 * </ul>
 * <p>While platform security is enabled, Spring Boot's {@code GrpcServerSecurityAutoConfiguration}
 * and {@code GrpcServerOAuth2ResourceServerAutoConfiguration} are added to
 * {@code spring.autoconfigure.exclude}: as soon as Spring Security is on the class path and a
 * {@code JwtDecoder} bean exists (the platform's own, for one) they install a second authentication
 * interceptor that requires a token for every method, health and reflection included. The exclusion
 * list is a list, which a lowest-precedence default could not extend, so the merged list (the
 * user's exclusions plus these) takes precedence.
 */
public class PlatformDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String PROPERTY_SOURCE_NAME = "grpcPlatformDefaults";

	static final String EXCLUDE_PROPERTY_SOURCE_NAME = "grpcPlatformAutoConfigurationExclusions";

	static final String TLS_PROPERTY_SOURCE_NAME = "grpcPlatformTls";

	static final List<String> BOOT_GRPC_SECURITY_AUTO_CONFIGURATIONS = List.of(
			"org.springframework.boot.grpc.server.autoconfigure.security.GrpcServerSecurityAutoConfiguration",
			"org.springframework.boot.grpc.server.autoconfigure.security.GrpcServerOAuth2ResourceServerAutoConfiguration");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		if (PlatformDefaults.isEnabled(environment, "health")) {
			defaults.put("spring.grpc.server.health.enabled", "false");
			defaults.put("management.endpoint.health.probes.enabled", "true");
		}
		// Also when the platform's reflection is off: then there is no reflection, as on the Boot 3.5 line.
		defaults.put("spring.grpc.server.reflection.enabled", "false");
		boolean metrics = PlatformDefaults.isEnabled(environment, "metrics");
		if (metrics) {
			defaults.put("management.endpoints.web.exposure.include", "health,prometheus");
		}
		if (metrics || PlatformDefaults.isEnabled(environment, "tracing")) {
			defaults.put("spring.grpc.server.observation.enabled", "false");
			defaults.put("spring.grpc.client.observation.enabled", "false");
		}
		if (!defaults.isEmpty()) {
			environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
		}
		if (PlatformDefaults.isEnabled(environment, "security")) {
			PlatformDefaults.exclude(environment, EXCLUDE_PROPERTY_SOURCE_NAME, BOOT_GRPC_SECURITY_AUTO_CONFIGURATIONS);
		}
		Map<String, Object> tls = tls(environment);
		if (!tls.isEmpty()) {
			environment.getPropertySources().addFirst(new MapPropertySource(TLS_PROPERTY_SOURCE_NAME, tls));
		}
	}

	/**
	 * Hands the platform's TLS settings to Spring Boot, which builds servers and channels with TLS
	 * credentials from SSL bundles (a builder customizer can no longer change the security of a
	 * builder made with credentials). They take precedence over {@code spring.grpc.*.ssl.*}, as the
	 * platform's TLS does over net.devh's on the Spring Boot 3.5 line.
	 */
	private static Map<String, Object> tls(ConfigurableEnvironment environment) {
		Binder binder = Binder.get(environment);
		Map<String, Object> tls = new LinkedHashMap<>();
		binder.bind("platform.grpc.security.tls.bundle", String.class).ifBound((bundle) -> {
			tls.put("spring.grpc.server.ssl.bundle", bundle);
			tls.put("spring.grpc.server.ssl.client-auth", binder.bind("platform.grpc.security.tls.client-auth",
					GrpcSecurityProperties.ClientAuth.class).orElse(GrpcSecurityProperties.ClientAuth.NONE).name());
		});
		binder.bind("platform.grpc.client.channels", Bindable.mapOf(String.class, GrpcClientProperties.Channel.class))
			.orElse(Map.of())
			.forEach((name, channel) -> {
				if (StringUtils.hasText(channel.getTls().getBundle())) {
					tls.put("spring.grpc.client.channel." + name + ".ssl.bundle", channel.getTls().getBundle());
				}
			});
		return tls;
	}

	@Override
	public int getOrder() {
		// After the config data (application.properties) is loaded, so the feature switches are seen.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
