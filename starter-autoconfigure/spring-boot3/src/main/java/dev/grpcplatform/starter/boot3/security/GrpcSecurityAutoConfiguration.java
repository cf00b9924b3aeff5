package dev.grpcplatform.starter.boot3.security;

import dev.grpcplatform.starter.errors.GrpcErrorsProperties;
import dev.grpcplatform.starter.security.GrpcAuthenticationInterceptor;
import dev.grpcplatform.starter.security.GrpcAuthorizationInterceptor;
import dev.grpcplatform.starter.security.GrpcMethodSecurity;
import dev.grpcplatform.starter.security.GrpcSecurityProperties;
import dev.grpcplatform.starter.security.GrpcServerTls;
import dev.grpcplatform.starter.security.GrpcServiceAnnotationsReader;
import dev.grpcplatform.starter.security.PlatformJwtDecoders;
import dev.grpcplatform.starter.security.SecurityExceptionMapper;
import dev.grpcplatform.starter.server.PlatformInterceptorOrder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

import net.devh.boot.grpc.server.autoconfigure.GrpcServerFactoryAutoConfiguration;
import net.devh.boot.grpc.server.interceptor.GrpcGlobalServerInterceptor;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * authentication and authorization of gRPC calls, and of the server's TLS.
 *
 * <p>Every method needs a caller authenticated by a JWT bearer token or a TLS client certificate,
 * unless {@code platform.grpc.security.*} makes it public; scopes are enforced per method. The
 * platform's own interceptors replace net.devh's security interceptors, whose auto-configuration is
 * excluded while this feature is enabled.
 */
@AutoConfiguration(before = GrpcServerFactoryAutoConfiguration.class, after = SslAutoConfiguration.class)
@EnableConfigurationProperties({ GrpcSecurityProperties.class, GrpcErrorsProperties.class })
public final class GrpcSecurityAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ NimbusJwtDecoder.class, JwtAuthenticationConverter.class, GrpcGlobalServerInterceptor.class })
	@ConditionalOnProperty(prefix = "platform.grpc.security", name = "enabled", matchIfMissing = true)
	static class AuthenticationConfiguration {

		@Bean
		@ConditionalOnMissingBean(JwtDecoder.class)
		@Conditional(JwtKeyAvailableCondition.class)
		JwtDecoder grpcJwtDecoder(GrpcSecurityProperties properties, Environment environment) {
			return PlatformJwtDecoders.create(properties.getJwt(), PlatformJwtDecoders.isDevelopment(environment));
		}

		@Bean
		@ConditionalOnMissingBean
		JwtAuthenticationConverter grpcJwtAuthenticationConverter(GrpcSecurityProperties properties) {
			return PlatformJwtDecoders.authenticationConverter(properties.getJwt());
		}

		@Bean
		@ConditionalOnMissingBean
		GrpcMethodSecurity grpcMethodSecurity(GrpcSecurityProperties properties) {
			return new GrpcMethodSecurity(properties.determinePublicMethods(), properties.getRequiredScopes());
		}

		@Bean
		@Order(Ordered.LOWEST_PRECEDENCE)
		@ConditionalOnMissingBean
		SecurityExceptionMapper grpcSecurityExceptionMapper() {
			return new SecurityExceptionMapper();
		}

		@Bean
		GrpcServiceAnnotationsReader grpcServiceAnnotationsReader(ListableBeanFactory beanFactory,
				GrpcMethodSecurity grpcMethodSecurity, GrpcSecurityProperties properties) {
			return new GrpcServiceAnnotationsReader(beanFactory, grpcMethodSecurity, properties);
		}

		@Bean
		@GrpcGlobalServerInterceptor
		@Order(PlatformInterceptorOrder.AUTHENTICATION)
		@ConditionalOnMissingBean
		GrpcAuthenticationInterceptor grpcAuthenticationInterceptor(ObjectProvider<JwtDecoder> jwtDecoder,
				JwtAuthenticationConverter grpcJwtAuthenticationConverter, GrpcMethodSecurity grpcMethodSecurity,
				GrpcSecurityProperties properties, GrpcErrorsProperties errorsProperties) {
			return GrpcAuthenticationInterceptor.create(jwtDecoder.getIfAvailable(), grpcJwtAuthenticationConverter,
					grpcMethodSecurity, properties, errorsProperties);
		}

		@Bean
		@GrpcGlobalServerInterceptor
		@Order(PlatformInterceptorOrder.AUTHORIZATION)
		@ConditionalOnMissingBean
		GrpcAuthorizationInterceptor grpcAuthorizationInterceptor(GrpcMethodSecurity grpcMethodSecurity,
				GrpcErrorsProperties errorsProperties) {
			return new GrpcAuthorizationInterceptor(grpcMethodSecurity, errorsProperties.determineDomain());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ NettyServerBuilder.class, GrpcServerConfigurer.class })
	@ConditionalOnProperty(prefix = "platform.grpc.security.tls", name = "bundle")
	static class ServerTlsConfiguration {

		@Bean
		GrpcServerConfigurer grpcServerTlsConfigurer(GrpcSecurityProperties properties, SslBundles sslBundles) {
			GrpcSecurityProperties.Tls tls = properties.getTls();
			SslContext sslContext = GrpcServerTls.serverContext(tls.getBundle(), sslBundles.getBundle(tls.getBundle()),
					tls.getClientAuth());
			return (builder) -> {
				// In-process servers (tests) have no transport to secure.
				if (builder instanceof NettyServerBuilder netty) {
					netty.sslContext(sslContext);
				}
			};
		}

	}

	/**
	 * Matches when a key to verify bearer tokens is configured, or a development profile makes
	 * the built-in development secret available.
	 */
	static class JwtKeyAvailableCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			String keySource = PlatformJwtDecoders.keySource(context.getEnvironment());
			return (keySource != null) ? ConditionOutcome.match(keySource)
					: ConditionOutcome.noMatch("no platform.grpc.security.jwt key and no 'dev' or 'local' profile");
		}
	}

}
