package dev.grpcplatform.chat.broker;

import java.time.Clock;

import io.lettuce.core.resource.ClientResources;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * The broker of room events that {@code chat.broker.type} selects; with the redis broker, Redis
 * also shows in /actuator/health ({@link RedisHealthConfiguration}, one per Spring Boot line).
 */
@Configuration(proxyBeanMethods = false)
class BrokerConfiguration {

	@Bean
	@ConditionalOnProperty(name = "chat.broker.type", havingValue = "memory", matchIfMissing = true)
	InMemoryChatBroker inMemoryChatBroker(HistoryProperties history) {
		return new InMemoryChatBroker(history);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "chat.broker.type", havingValue = "redis")
	static class RedisBrokerConfiguration {

		@Bean
		RedisMessageListenerContainer chatRedisListenerContainer(RedisConnectionFactory connectionFactory) {
			RedisMessageListenerContainer container = new RedisMessageListenerContainer();
			container.setConnectionFactory(connectionFactory);
			// Lettuce delivers the messages of the subscription in order on one thread; dispatching
			// them on that thread keeps the order (the default executor runs each on a new thread).
			container.setTaskExecutor(new SyncTaskExecutor());
			return container;
		}

		@Bean
		RedisChatBroker redisChatBroker(RedisConnectionFactory connectionFactory,
				RedisMessageListenerContainer chatRedisListenerContainer, BrokerProperties properties,
				HistoryProperties history) {
			ClientResources resources = (connectionFactory instanceof LettuceConnectionFactory lettuce)
					? lettuce.getClientResources() : null;
			return new RedisChatBroker(connectionFactory, chatRedisListenerContainer, properties.getPresenceTtl(),
					history, (resources != null) ? resources.eventBus() : null, Clock.systemUTC());
		}

	}

}
