package dev.grpcplatform.starter.boot4.client;

import dev.grpcplatform.starter.boot4.PlatformChannelBuilderCustomizer;
import dev.grpcplatform.starter.client.GrpcChannelSecurity;
import dev.grpcplatform.starter.client.GrpcClientProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.client.GrpcChannelBuilderCustomizer;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * credentials of Spring Boot's gRPC client channels, per channel name
 * ({@code platform.grpc.client.channels.<name>}, the name a channel is created for: the
 * {@code target} of {@code @ImportGrpcClients} or the name given to {@code GrpcChannelFactory}).
 *
 * <p>Channel TLS ({@code tls.bundle}) is handed to Spring Boot as
 * {@code spring.grpc.client.channel.<name>.ssl.bundle} by the platform's environment defaults:
 * Spring Boot builds its channels with channel credentials, whose security a builder customizer can
 * no longer change.
 */
@AutoConfiguration(after = SslAutoConfiguration.class,
		beforeName = "org.springframework.boot.grpc.client.autoconfigure.GrpcClientAutoConfiguration")
@ConditionalOnClass(GrpcChannelBuilderCustomizer.class)
@ConditionalOnProperty(prefix = "platform.grpc.client", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(GrpcClientProperties.class)
public final class GrpcChannelSecurityAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GrpcChannelSecurity grpcChannelSecurity(GrpcClientProperties properties, ObjectProvider<SslBundles> sslBundles) {
		return new GrpcChannelSecurity(properties, sslBundles.getIfAvailable());
	}

	@Bean
	PlatformChannelBuilderCustomizer<?> grpcChannelSecurityCustomizer(GrpcChannelSecurity grpcChannelSecurity) {
		return PlatformChannelBuilderCustomizer.of((name, builder) -> grpcChannelSecurity.addCallCredentials(builder, name));
	}

}
