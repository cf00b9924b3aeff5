package dev.grpcplatform.starter.boot4.security;

import dev.grpcplatform.starter.boot4.BootGrpcContextRunners;
import dev.grpcplatform.starter.security.GrpcAuthenticationInterceptor;
import dev.grpcplatform.starter.security.GrpcAuthorizationInterceptor;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.grpc.server.security.AuthenticationProcessInterceptor;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link GrpcSecurityAutoConfiguration}.
 */
class GrpcSecurityAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = BootGrpcContextRunners
		.server(GrpcSecurityAutoConfiguration.class)
		.withBean(EchoGrpcService.class);

	@Test
	void platformInterceptorsAreGlobalAndSpringBootsAuthenticationIsNotAdded() {
		this.contextRunner.withPropertyValues("spring.profiles.active=dev").run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(JwtDecoder.class)
				.hasSingleBean(GrpcAuthenticationInterceptor.class)
				.hasSingleBean(GrpcAuthorizationInterceptor.class)
				.doesNotHaveBean(AuthenticationProcessInterceptor.class);
			assertThat(context.getBeanNamesForAnnotation(GlobalServerInterceptor.class))
				.contains("grpcAuthenticationInterceptor", "grpcAuthorizationInterceptor");
		});
	}

	@Test
	void enabledExplicitlyWithoutKeyRefusesEveryToken() {
		this.contextRunner.withPropertyValues("platform.grpc.security.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(GrpcAuthenticationInterceptor.class)
				.doesNotHaveBean(JwtDecoder.class));
	}

	@Test
	void disabledRegistersNoInterceptor() {
		this.contextRunner.withPropertyValues("platform.grpc.security.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcAuthenticationInterceptor.class)
				.doesNotHaveBean(GrpcAuthorizationInterceptor.class));
	}

	@Test
	void nothingIsRegisteredWithoutSpringSecuritysJwtSupport() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(NimbusJwtDecoder.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcAuthenticationInterceptor.class));
	}

	@Test
	void userJwtDecoderWins() {
		JwtDecoder user = mock(JwtDecoder.class);
		this.contextRunner.withBean(JwtDecoder.class, () -> user)
			.run((context) -> assertThat(context.getBean(JwtDecoder.class)).isSameAs(user));
	}

	@Test
	void serverTlsBundleWithoutKeystoreFailsStartupNamingThePlatformKey() {
		this.contextRunner
			.withPropertyValues("platform.grpc.security.tls.bundle=server",
					"spring.ssl.bundle.pem.server.truststore.certificate=classpath:does-not-matter.crt")
			.run((context) -> assertThat(context).hasFailed());
	}

}
