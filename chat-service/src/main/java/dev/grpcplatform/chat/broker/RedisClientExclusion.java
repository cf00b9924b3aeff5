package dev.grpcplatform.chat.broker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Leaves Spring Boot's Redis client out unless {@code chat.broker.type=redis}: with the memory
 * broker nothing uses it, yet its auto-configuration would create a Lettuce connection factory
 * (with Lettuce's Netty and Reactor, about 2,000 loaded classes, and a timer thread) on every start.
 *
 * <p>Adds the Redis auto-configurations of both Spring Boot lines to
 * {@code spring.autoconfigure.exclude}, after the exclusions the application already has.
 * Registered in {@code META-INF/spring.factories}, so that it runs once the configuration files
 * are read and before the context decides on its auto-configurations.
 */
final class RedisClientExclusion implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

	static final String EXCLUDE = "spring.autoconfigure.exclude";

	/** The Redis auto-configurations of Spring Boot 4.1 and 3.5 (the other line's are not present). */
	static final List<String> REDIS_AUTO_CONFIGURATIONS = List.of(
			"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.observation.LettuceObservationAutoConfiguration",
			"org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
			"org.springframework.boot.autoconfigure.data.redis.RedisReactiveAutoConfiguration",
			"org.springframework.boot.autoconfigure.data.redis.RedisRepositoriesAutoConfiguration",
			"org.springframework.boot.actuate.autoconfigure.data.redis.RedisHealthContributorAutoConfiguration",
			"org.springframework.boot.actuate.autoconfigure.data.redis.RedisReactiveHealthContributorAutoConfiguration",
			"org.springframework.boot.actuate.autoconfigure.metrics.redis.LettuceMetricsAutoConfiguration");

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		excludeUnlessRedisBroker(event.getEnvironment());
	}

	static void excludeUnlessRedisBroker(ConfigurableEnvironment environment) {
		// As BrokerConfiguration decides: the redis broker only for "redis" (any case).
		if ("redis".equalsIgnoreCase(environment.getProperty("chat.broker.type", "memory").strip())) {
			return;
		}
		List<String> exclusions = new ArrayList<>(
				Binder.get(environment).bind(EXCLUDE, String[].class).map(List::of).orElse(List.of()));
		REDIS_AUTO_CONFIGURATIONS.stream().filter((name) -> !exclusions.contains(name)).forEach(exclusions::add);
		Map<String, Object> source = new LinkedHashMap<>();
		source.put(EXCLUDE, String.join(",", exclusions));
		// First, so that it wins over the (now included) exclusions of lower sources.
		environment.getPropertySources().addFirst(new MapPropertySource("chatRedisClientExclusion", source));
	}

}
