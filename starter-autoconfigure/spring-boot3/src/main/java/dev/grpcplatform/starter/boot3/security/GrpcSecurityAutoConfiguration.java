package dev.grpcplatform.starter.boot3.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import dev.grpcplatform.starter.errors.GrpcErrorsProperties;
import dev.grpcplatform.starter.security.BearerTokenAuthenticator;
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
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.DelegatingJwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.util.StringUtils;

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

	private static final Log logger = LogFactory.getLog(GrpcSecurityAutoConfiguration.class);

	static boolean isDevelopment(Environment environment) {
		return environment.acceptsProfiles(Profiles.of("dev", "local"));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ NimbusJwtDecoder.class, JwtAuthenticationConverter.class, GrpcGlobalServerInterceptor.class })
	@ConditionalOnProperty(prefix = "platform.grpc.security", name = "enabled", matchIfMissing = true)
	static class AuthenticationConfiguration {

		@Bean
		@ConditionalOnMissingBean(JwtDecoder.class)
		@Conditional(JwtKeyAvailableCondition.class)
		JwtDecoder grpcJwtDecoder(GrpcSecurityProperties properties, Environment environment) {
			return PlatformJwtDecoders.create(properties.getJwt(), isDevelopment(environment));
		}

		@Bean
		@ConditionalOnMissingBean
		JwtAuthenticationConverter grpcJwtAuthenticationConverter(GrpcSecurityProperties properties) {
			GrpcSecurityProperties.Jwt jwt = properties.getJwt();
			Collection<Converter<Jwt, Collection<GrantedAuthority>>> authorities = new ArrayList<>();
			for (String claim : jwt.getScopeClaims()) {
				JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();
				scopes.setAuthoritiesClaimName(claim);
				authorities.add(scopes);
			}
			if (StringUtils.hasText(jwt.getRolesClaim())) {
				JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
				roles.setAuthoritiesClaimName(jwt.getRolesClaim());
				roles.setAuthorityPrefix("ROLE_");
				authorities.add(roles);
			}
			JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
			converter.setJwtGrantedAuthoritiesConverter(new DelegatingJwtGrantedAuthoritiesConverter(authorities));
			converter.setPrincipalClaimName(jwt.getPrincipalClaim());
			return converter;
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
			JwtDecoder decoder = jwtDecoder.getIfAvailable();
			BearerTokenAuthenticator authenticator = null;
			if (decoder != null) {
				authenticator = new BearerTokenAuthenticator(decoder, grpcJwtAuthenticationConverter,
						properties.getJwt().getCacheSize());
			}
			else {
				logger.warn("No key to verify gRPC bearer tokens is configured (platform.grpc.security.jwt.secret, "
						+ "public-key-location or jwk-set-uri): every method that is not public answers UNAUTHENTICATED "
						+ "unless the caller presents a client certificate. Activate the 'dev' profile to use the "
						+ "built-in development secret.");
			}
			return new GrpcAuthenticationInterceptor(authenticator, grpcMethodSecurity,
					errorsProperties.determineDomain());
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

		private static final List<String> KEY_PROPERTIES = List.of("secret", "public-key-location", "jwk-set-uri");

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Binder binder = Binder.get(context.getEnvironment());
			for (String property : KEY_PROPERTIES) {
				String name = "platform.grpc.security.jwt." + property;
				if (binder.bind(name, String.class).map(StringUtils::hasText).orElse(false)) {
					return ConditionOutcome.match(name + " is set");
				}
			}
			if (isDevelopment(context.getEnvironment())) {
				return ConditionOutcome.match("a 'dev' or 'local' profile is active");
			}
			return ConditionOutcome.noMatch("no platform.grpc.security.jwt key and no 'dev' or 'local' profile");
		}

	}

}
