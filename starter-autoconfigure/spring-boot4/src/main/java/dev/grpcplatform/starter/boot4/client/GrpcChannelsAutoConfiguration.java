package dev.grpcplatform.starter.boot4.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.grpcplatform.starter.client.GrpcChannels;
import io.grpc.Channel;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.client.GrpcChannelFactory;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of
 * {@link GrpcChannels} on Spring Boot's channel factory ({@code spring.grpc.client.channel.<name>.*}).
 * Spring Boot's factory builds a new channel on every call and closes them all with the context; the
 * platform keeps one per name.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.grpc.client.autoconfigure.GrpcClientAutoConfiguration",
		"org.springframework.boot.grpc.client.autoconfigure.CompositeChannelFactoryAutoConfiguration" })
@ConditionalOnClass(GrpcChannelFactory.class)
public final class GrpcChannelsAutoConfiguration {

	@Bean
	@ConditionalOnBean(GrpcChannelFactory.class)
	@ConditionalOnMissingBean
	GrpcChannels grpcChannels(GrpcChannelFactory channelFactory) {
		Map<String, Channel> channels = new ConcurrentHashMap<>();
		return (name) -> channels.computeIfAbsent(name, channelFactory::createChannel);
	}

}
