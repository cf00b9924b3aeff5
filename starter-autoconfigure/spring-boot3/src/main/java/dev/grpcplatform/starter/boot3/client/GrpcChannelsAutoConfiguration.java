package dev.grpcplatform.starter.boot3.client;

import dev.grpcplatform.starter.client.GrpcChannelCustomizer;
import dev.grpcplatform.starter.client.GrpcChannels;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import net.devh.boot.grpc.client.autoconfigure.GrpcClientAutoConfiguration;
import net.devh.boot.grpc.client.channelfactory.GrpcChannelConfigurer;
import net.devh.boot.grpc.client.channelfactory.GrpcChannelFactory;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of
 * {@link GrpcChannels} on net.devh's channel factory, which keeps one channel per name
 * ({@code grpc.client.<name>.*}) and closes them with the context, and of the
 * {@link GrpcChannelCustomizer} beans, applied to every channel of that factory.
 */
@AutoConfiguration(after = GrpcClientAutoConfiguration.class)
@ConditionalOnClass(GrpcChannelFactory.class)
public final class GrpcChannelsAutoConfiguration {

	@Bean
	@ConditionalOnBean(GrpcChannelFactory.class)
	@ConditionalOnMissingBean
	GrpcChannels grpcChannels(GrpcChannelFactory channelFactory) {
		return channelFactory::createChannel;
	}

	@Bean
	GrpcChannelConfigurer grpcChannelCustomizersConfigurer(ObjectProvider<GrpcChannelCustomizer> customizers) {
		return (builder, name) -> customizers.orderedStream().forEach((customizer) -> customizer.customize(name, builder));
	}

}
