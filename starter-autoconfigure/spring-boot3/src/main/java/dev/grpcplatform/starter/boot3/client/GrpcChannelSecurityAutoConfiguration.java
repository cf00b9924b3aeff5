package dev.grpcplatform.starter.boot3.client;

import dev.grpcplatform.starter.client.GrpcChannelSecurity;
import dev.grpcplatform.starter.client.GrpcClientProperties;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;

import net.devh.boot.grpc.client.channelfactory.GrpcChannelConfigurer;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * credentials and TLS of the channels behind net.devh's {@code @GrpcClient}, per client name.
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnClass({ GrpcChannelConfigurer.class, NettyChannelBuilder.class })
@ConditionalOnProperty(prefix = "platform.grpc.client", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(GrpcClientProperties.class)
public final class GrpcChannelSecurityAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GrpcChannelSecurity grpcChannelSecurity(GrpcClientProperties properties, ObjectProvider<SslBundles> sslBundles) {
		return new GrpcChannelSecurity(properties, sslBundles.getIfAvailable());
	}

	@Bean
	GrpcChannelConfigurer grpcChannelSecurityConfigurer(GrpcChannelSecurity grpcChannelSecurity) {
		return grpcChannelSecurity::configure;
	}

}
