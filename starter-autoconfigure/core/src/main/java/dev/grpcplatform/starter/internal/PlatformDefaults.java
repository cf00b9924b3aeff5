package dev.grpcplatform.starter.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;

/**
 * What the edges' environment post-processors share when they add the defaults that let the
 * platform's features replace their framework's counterparts.
 */
public final class PlatformDefaults {

	private static final String EXCLUDE_PROPERTY = "spring.autoconfigure.exclude";

	private PlatformDefaults() {
	}

	/**
	 * Whether a feature of the platform is enabled ({@code platform.grpc.<feature>.enabled}, default
	 * {@code true}).
	 * @param environment environment of the application
	 * @param feature name of the feature
	 * @return whether it is enabled
	 */
	public static boolean isEnabled(Environment environment, String feature) {
		return environment.getProperty("platform.grpc." + feature + ".enabled", Boolean.class, true);
	}

	/**
	 * Adds auto-configurations to {@code spring.autoconfigure.exclude}, keeping the user's
	 * exclusions: the exclusion list is a list, which a lowest-precedence default could not extend,
	 * so the merged list goes into a property source of the highest precedence.
	 * @param environment environment of the application
	 * @param propertySourceName name of the property source that holds the merged list
	 * @param autoConfigurations names of the auto-configurations to exclude
	 */
	public static void exclude(ConfigurableEnvironment environment, String propertySourceName,
			List<String> autoConfigurations) {
		List<String> excluded = new ArrayList<>(
				Binder.get(environment).bind(EXCLUDE_PROPERTY, Bindable.listOf(String.class)).orElse(List.of()));
		boolean changed = false;
		for (String autoConfiguration : autoConfigurations) {
			if (!excluded.contains(autoConfiguration)) {
				excluded.add(autoConfiguration);
				changed = true;
			}
		}
		if (changed) {
			environment.getPropertySources()
				.addFirst(new MapPropertySource(propertySourceName, Map.of(EXCLUDE_PROPERTY, String.join(",", excluded))));
		}
	}

}
