package dev.grpcplatform.chat.broker;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which broker {@code chat.broker.type} selects.
 */
class BrokerConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withBean(RedisConnectionFactory.class, LettuceConnectionFactory::new)
		.withUserConfiguration(PropertiesConfiguration.class, BrokerConfiguration.class, RedisHealthConfiguration.class);

	@Test
	void inMemoryBrokerWithoutRedisHealthByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ChatBroker.class).hasSingleBean(InMemoryChatBroker.class);
			assertThat(context).doesNotHaveBean("redisHealthIndicator");
		});
	}

	@Test
	void redisBrokerWithRedisHealthWhenTypeIsRedis() {
		this.contextRunner.withPropertyValues("chat.broker.type=redis").run((context) -> {
			assertThat(context).hasSingleBean(ChatBroker.class).hasSingleBean(RedisChatBroker.class);
			assertThat(context).hasBean("redisHealthIndicator");
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
