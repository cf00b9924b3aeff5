package dev.grpcplatform.starter.security;

import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.testing.CallerTestApplication;
import dev.grpcplatform.starter.testing.EchoCalls;
import dev.grpcplatform.starter.testing.SecuredEcho;
import dev.grpcplatform.starter.testing.TestServers;
import io.grpc.Metadata;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;

import net.devh.boot.grpc.server.security.interceptors.AuthenticatingServerInterceptor;
import net.devh.boot.grpc.server.security.interceptors.ExceptionTranslatingServerInterceptor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for applications that also have an {@link AuthenticationManager} bean, which
 * would switch on net.devh's own security chain.
 */
class NetDevhSecurityIntegrationTests {

	@Test
	void authenticationManagerBeanStartsNoSecondChainAndThePlatformStillDecides() throws Exception {
		try (RunningGrpcApplication server = TestServers.start(
				new Class<?>[] { CallerTestApplication.class, AuthenticationManagerConfiguration.class },
				TestServers.NO_PUBLIC_METHODS, "platform.grpc.security.jwt.secret=" + SecuredEcho.SECRET)) {
			assertThat(server.context().getBeansOfType(AuthenticatingServerInterceptor.class)).isEmpty();
			assertThat(server.context().getBeansOfType(ExceptionTranslatingServerInterceptor.class)).isEmpty();
			assertThat(EchoCalls.call(server.newChannel(), EchoCalls.Type.UNARY, new Metadata()).status().getCode())
				.isEqualTo(Status.Code.UNAUTHENTICATED);
			String token = DevelopmentTokens.builder().secret(SecuredEcho.SECRET).subject("alice").mint();
			assertThat(EchoCalls.call(server.newChannel(), EchoCalls.Type.UNARY, EchoCalls.bearer(token)).responses())
				.containsExactly("alice|alice");
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class AuthenticationManagerConfiguration {

		@Bean
		AuthenticationManager webAuthenticationManager() {
			return (authentication) -> {
				throw new BadCredentialsException("only for the web");
			};
		}

	}

}
