package dev.grpcplatform.starter.boot3.security;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.grpcplatform.starter.security.DevelopmentTokens;
import dev.grpcplatform.starter.security.GrpcAuthenticationInterceptor;
import dev.grpcplatform.starter.security.GrpcAuthorizationInterceptor;
import dev.grpcplatform.starter.security.GrpcMethodSecurity;
import dev.grpcplatform.starter.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link GrpcSecurityAutoConfiguration}.
 */
class GrpcSecurityAutoConfigurationTests {

	private static final String SECRET = "secret-of-the-auto-configuration-tests-32b";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GrpcSecurityAutoConfiguration.class, SslAutoConfiguration.class));

	@TempDir
	static Path directory;

	@Test
	void interceptorsAreRegisteredByDefaultAndRefuseTokensWithoutAKey() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(GrpcAuthenticationInterceptor.class);
			assertThat(context).hasSingleBean(GrpcAuthorizationInterceptor.class);
			assertThat(context).hasSingleBean(GrpcMethodSecurity.class);
			assertThat(context).doesNotHaveBean(JwtDecoder.class);
			assertThat(context).doesNotHaveBean(GrpcServerConfigurer.class);
		});
	}

	@Test
	void interceptorsAreRegisteredWhenEnabled() {
		this.contextRunner.withPropertyValues("platform.grpc.security.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(GrpcAuthenticationInterceptor.class));
	}

	@Test
	void nothingIsRegisteredWhenDisabled() {
		this.contextRunner
			.withPropertyValues("platform.grpc.security.enabled=false", "platform.grpc.security.jwt.secret=" + SECRET)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(GrpcAuthenticationInterceptor.class);
				assertThat(context).doesNotHaveBean(GrpcAuthorizationInterceptor.class);
				assertThat(context).doesNotHaveBean(JwtDecoder.class);
			});
	}

	@Test
	void healthAndReflectionArePublicByDefaultAndCanBeClosed() {
		this.contextRunner.run((context) -> {
			GrpcMethodSecurity methods = context.getBean(GrpcMethodSecurity.class);
			assertThat(methods.isPublic("grpc.health.v1.Health/Check")).isTrue();
			assertThat(methods.isPublic("grpc.reflection.v1.ServerReflection/ServerReflectionInfo")).isTrue();
			assertThat(methods.isPublic("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")).isTrue();
			assertThat(methods.isPublic("platform.testing.v1.EchoService/Echo")).isFalse();
		});
		this.contextRunner
			.withPropertyValues("platform.grpc.security.health-public=false",
					"platform.grpc.security.reflection-public=false")
			.run((context) -> {
				GrpcMethodSecurity methods = context.getBean(GrpcMethodSecurity.class);
				assertThat(methods.isPublic("grpc.health.v1.Health/Check")).isFalse();
				assertThat(methods.isPublic("grpc.reflection.v1.ServerReflection/ServerReflectionInfo")).isFalse();
			});
	}

	@Test
	void secretGivesADecoderThatAcceptsTokensSignedWithItOnly() {
		this.contextRunner.withPropertyValues("platform.grpc.security.jwt.secret=" + SECRET).run((context) -> {
			JwtDecoder decoder = context.getBean(JwtDecoder.class);
			assertThat(decoder.decode(DevelopmentTokens.builder().secret(SECRET).subject("alice").mint()).getSubject())
				.isEqualTo("alice");
			assertThatExceptionOfType(BadJwtException.class)
				.isThrownBy(() -> decoder.decode(DevelopmentTokens.mint("alice")));
		});
	}

	@Test
	void devProfileUsesTheBuiltInDevelopmentSecret() {
		this.contextRunner.withPropertyValues("spring.profiles.active=dev")
			.run((context) -> assertThat(
					context.getBean(JwtDecoder.class).decode(DevelopmentTokens.mint("alice", "a", "b")).getSubject())
				.isEqualTo("alice"));
	}

	@Test
	void builtInDevelopmentSecretIsRefusedOutsideADevOrLocalProfile() {
		this.contextRunner.withPropertyValues("platform.grpc.security.jwt.secret=" + DevelopmentTokens.SECRET)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("built-in development secret")
				.hasMessageContaining("refused unless a 'dev' or 'local' profile is active")
				.hasMessageNotContaining(DevelopmentTokens.SECRET));
		this.contextRunner
			.withPropertyValues("spring.profiles.active=local",
					"platform.grpc.security.jwt.secret=" + DevelopmentTokens.SECRET)
			.run((context) -> assertThat(context).hasSingleBean(JwtDecoder.class));
	}

	@Test
	void shortSecretFailsWithoutShowingTheSecret() {
		this.contextRunner.withPropertyValues("platform.grpc.security.jwt.secret=too-short-s3cret")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("must be at least 32 bytes")
				.hasMessageNotContaining("too-short-s3cret"));
	}

	@Test
	void moreThanOneKeyFails() {
		this.contextRunner
			.withPropertyValues("platform.grpc.security.jwt.secret=" + SECRET,
					"platform.grpc.security.jwt.jwk-set-uri=https://issuer.test/jwks")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("Configure only one of"));
	}

	@Test
	void algorithmThatDoesNotFitTheKeyFails() {
		this.contextRunner
			.withPropertyValues("platform.grpc.security.jwt.secret=" + SECRET,
					"platform.grpc.security.jwt.jws-algorithms=RS256")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("'RS256' does not fit"));
	}

	@Test
	void invalidMethodPatternFailsAtStartup() {
		this.contextRunner.withPropertyValues("platform.grpc.security.public-methods=platform.*.Echo")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("Invalid gRPC method pattern 'platform.*.Echo'"));
	}

	@Test
	void userDecoderWinsAndIsUsedWithoutAKeySetting() {
		this.contextRunner.withUserConfiguration(UserDecoderConfiguration.class).run((context) -> {
			assertThat(context).getBean(JwtDecoder.class).isSameAs(UserDecoderConfiguration.DECODER);
			assertThat(context).hasSingleBean(GrpcAuthenticationInterceptor.class);
		});
	}

	@Test
	void userInterceptorsWin() {
		this.contextRunner.withUserConfiguration(UserInterceptorConfiguration.class).run((context) -> {
			assertThat(context).getBean(GrpcAuthenticationInterceptor.class)
				.isSameAs(UserInterceptorConfiguration.AUTHENTICATION);
			assertThat(context).getBean(GrpcAuthorizationInterceptor.class)
				.isSameAs(UserInterceptorConfiguration.AUTHORIZATION);
		});
	}

	@Test
	void withoutSpringSecurityNothingButTlsIsConfigured() throws Exception {
		TestCertificates.Issued server = TestCertificates.createCa(directory, "ca").issueServer("server");
		this.contextRunner.withClassLoader(new FilteredClassLoader(NimbusJwtDecoder.class))
			.withPropertyValues(tlsBundle(server))
			.run((context) -> {
				assertThat(context).doesNotHaveBean(GrpcAuthenticationInterceptor.class);
				assertThat(context).doesNotHaveBean(GrpcAuthorizationInterceptor.class);
				assertThat(context).hasSingleBean(GrpcServerConfigurer.class);
			});
	}

	@Test
	void tlsBundleGivesAServerConfigurerEvenWithAuthenticationOff() throws Exception {
		TestCertificates.Issued server = TestCertificates.createCa(directory, "ca2").issueServer("server2");
		this.contextRunner.withPropertyValues(tlsBundle(server))
			.withPropertyValues("platform.grpc.security.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(GrpcServerConfigurer.class));
	}

	@Test
	void unknownTlsBundleFailsAtStartup() {
		this.contextRunner.withPropertyValues("platform.grpc.security.tls.bundle=missing")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("'missing'"));
	}

	private static String[] tlsBundle(TestCertificates.Issued server) {
		return new String[] { "spring.ssl.bundle.pem.server.keystore.certificate=file:" + server.certificateFile(),
				"spring.ssl.bundle.pem.server.keystore.private-key=file:" + server.privateKeyFile(),
				"platform.grpc.security.tls.bundle=server" };
	}

	@Configuration(proxyBeanMethods = false)
	static class UserDecoderConfiguration {

		static final JwtDecoder DECODER = (token) -> {
			throw new BadJwtException("never valid");
		};

		@Bean
		JwtDecoder userJwtDecoder() {
			return DECODER;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserInterceptorConfiguration {

		static final GrpcMethodSecurity METHODS = new GrpcMethodSecurity(List.of("*"), Map.of());

		static final GrpcAuthenticationInterceptor AUTHENTICATION = new GrpcAuthenticationInterceptor(null, METHODS,
				"user");

		static final GrpcAuthorizationInterceptor AUTHORIZATION = new GrpcAuthorizationInterceptor(METHODS, "user");

		@Bean
		GrpcAuthenticationInterceptor userAuthenticationInterceptor() {
			return AUTHENTICATION;
		}

		@Bean
		GrpcAuthorizationInterceptor userAuthorizationInterceptor() {
			return AUTHORIZATION;
		}

	}

}
