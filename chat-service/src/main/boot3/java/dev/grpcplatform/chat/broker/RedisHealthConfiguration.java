package dev.grpcplatform.chat.broker;

import org.springframework.boot.actuate.data.redis.RedisHealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Redis in /actuator/health only with the redis broker (Spring Boot's own indicator is off: the
 * connection factory exists with either broker); Spring Boot 3.5's indicator, whose type differs
 * between the Spring Boot lines.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "chat.broker.type", havingValue = "redis")
class RedisHealthConfiguration {

	@Bean
	RedisHealthIndicator redisHealthIndicator(RedisConnectionFactory connectionFactory) {
		return new RedisHealthIndicator(connectionFactory);
	}

}
