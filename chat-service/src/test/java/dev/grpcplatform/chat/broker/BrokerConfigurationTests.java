package dev.grpcplatform.chat.broker;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.data.redis.RedisHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which broker {@code chat.broker.type} selects.
 */
class BrokerConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RedisAutoConfiguration.class))
		.withUserConfiguration(PropertiesConfiguration.class, BrokerConfiguration.class);

	@Test
	void inMemoryBrokerWithoutRedisHealthByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ChatBroker.class).hasSingleBean(InMemoryChatBroker.class);
			assertThat(context).doesNotHaveBean(RedisHealthIndicator.class);
		});
	}

	@Test
	void redisBrokerWithRedisHealthWhenTypeIsRedis() {
		this.contextRunner.withPropertyValues("chat.broker.type=redis").run((context) -> {
			assertThat(context).hasSingleBean(ChatBroker.class).hasSingleBean(RedisChatBroker.class);
			assertThat(context).hasSingleBean(RedisHealthIndicator.class);
		});
	}

	@Test
	void unknownTypeOrTooShortPresenceTtlFailsStartup() {
		this.contextRunner.withPropertyValues("chat.broker.type=kafka")
			.run((context) -> assertThat(context).hasFailed());
		this.contextRunner.withPropertyValues("chat.broker.type=redis", "chat.broker.presence-ttl=10ms")
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining("presence-ttl"));
	}

	@Test
	void emptyHistoryOrTooShortHistoryTtlFailsStartup() {
		this.contextRunner.withPropertyValues("chat.history.size=0")
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining("chat.history.size"));
		this.contextRunner.withPropertyValues("chat.history.ttl=10ms")
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining("chat.history.ttl"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ BrokerProperties.class, HistoryProperties.class })
	static class PropertiesConfiguration {

	}

}
