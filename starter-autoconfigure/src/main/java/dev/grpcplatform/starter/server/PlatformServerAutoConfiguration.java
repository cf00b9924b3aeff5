package dev.grpcplatform.starter.server;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

import net.devh.boot.grpc.server.event.GrpcServerStartedEvent;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * pieces every platform feature shares.
 */
@AutoConfiguration
@ConditionalOnClass(GrpcServerStartedEvent.class)
public final class PlatformServerAutoConfiguration {

	@Bean
	static LocalGrpcPortApplicationListener localGrpcPortApplicationListener(ConfigurableEnvironment environment) {
		return new LocalGrpcPortApplicationListener(environment);
	}

}
