package dev.grpcplatform.chat.broker;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisClientExclusion} (ChatServiceIntegrationTests checks a started service).
 */
class RedisClientExclusionTests {

	@Test
	void memoryBrokerByDefaultLeavesEveryRedisAutoConfigurationOut() {
		StandardEnvironment environment = new StandardEnvironment();
		prepare(environment);
		assertThat(exclusions(environment)).containsExactlyElementsOf(RedisClientExclusion.REDIS_AUTO_CONFIGURATIONS);
	}

	@Test
	void exclusionsTheApplicationHasAreKept() {
		StandardEnvironment environment = environment(Map.of("chat.broker.type", "memory",
				"spring.autoconfigure.exclude[0]", "com.example.FirstAutoConfiguration",
				"spring.autoconfigure.exclude[1]", "com.example.SecondAutoConfiguration"));
		prepare(environment);
		assertThat(exclusions(environment)).startsWith("com.example.FirstAutoConfiguration",
				"com.example.SecondAutoConfiguration")
			.containsAll(RedisClientExclusion.REDIS_AUTO_CONFIGURATIONS)
			.doesNotHaveDuplicates();
	}

	@Test
	void redisBrokerKeepsTheRedisClientInAnyCase() {
		StandardEnvironment environment = environment(
				Map.of("chat.broker.type", "Redis", "spring.autoconfigure.exclude", "com.example.OtherAutoConfiguration"));
		prepare(environment);
		assertThat(exclusions(environment)).containsExactly("com.example.OtherAutoConfiguration");
	}

	private static StandardEnvironment environment(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addLast(new MapPropertySource("test", properties));
		return environment;
	}

	private static void prepare(StandardEnvironment environment) {
		RedisClientExclusion.excludeUnlessRedisBroker(environment);
	}

	private static String[] exclusions(StandardEnvironment environment) {
		return Binder.get(environment).bind(RedisClientExclusion.EXCLUDE, String[].class).orElse(new String[0]);
	}

}
