package dev.grpcplatform.starter.boot4.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.grpcplatform.starter.boot4.PlatformChannelBuilderCustomizer;
import dev.grpcplatform.starter.client.GrpcChannelCustomizer;
import dev.grpcplatform.starter.client.GrpcChannels;
import io.grpc.Channel;

import org.springframework.beans.factory.ObjectProvider;
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
 * platform keeps one per name. The {@link GrpcChannelCustomizer} beans are applied to every channel
 * Spring Boot builds.
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

	@Bean
	PlatformChannelBuilderCustomizer<?> grpcChannelCustomizers(ObjectProvider<GrpcChannelCustomizer> customizers) {
		return PlatformChannelBuilderCustomizer
			.of((name, builder) -> customizers.orderedStream().forEach((customizer) -> customizer.customize(name, builder)));
	}

}
