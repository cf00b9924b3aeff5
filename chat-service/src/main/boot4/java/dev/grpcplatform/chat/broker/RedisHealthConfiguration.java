package dev.grpcplatform.chat.broker;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.data.redis.health.DataRedisHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Redis in /actuator/health only with the redis broker (Spring Boot's own indicator is off: the
 * connection factory exists with either broker); Spring Boot 4.1's indicator, whose type differs
 * between the Spring Boot lines.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "chat.broker.type", havingValue = "redis")
class RedisHealthConfiguration {

	@Bean
	DataRedisHealthIndicator redisHealthIndicator(RedisConnectionFactory connectionFactory) {
		return new DataRedisHealthIndicator(connectionFactory);
	}

}
