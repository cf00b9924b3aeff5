package dev.grpcplatform.starter.boot4.security;

import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.testing.TestGrpcApplication;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.Test;

import org.springframework.grpc.server.security.AuthenticationProcessInterceptor;
import org.springframework.grpc.server.security.GrpcSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Spring Security's configuration support on the class path and the platform's
 * {@link JwtDecoder}, Spring Boot's gRPC security would add an interceptor that requires a token for
 * every method; while the platform's security is on, it stays out and the platform decides.
 */
class BootGrpcSecurityExclusionIntegrationTests {

	@Test
	void publicMethodsAndHealthAnswerWithoutATokenAsThePlatformSays() {
		try (RunningGrpcApplication app = RunningGrpcApplication.builder(TestGrpcApplication.class)
			.properties("spring.profiles.active=dev",
					"platform.grpc.security.public-methods=platform.testing.v1.EchoService/*",
					"spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.jmx.JmxAutoConfiguration")
			.start()) {
			assertThat(app.context().getBeansOfType(JwtDecoder.class)).hasSize(1);
			assertThat(app.context().getBeansOfType(AuthenticationProcessInterceptor.class)).isEmpty();
			assertThat(app.context().getBeansOfType(GrpcSecurity.class)).isEmpty();
			assertThat(EchoServiceGrpc.newBlockingStub(app.channel())
				.echo(EchoRequest.newBuilder().setText("no token").build())
				.getText()).isEqualTo("no token");
			assertThat(HealthGrpc.newBlockingStub(app.channel()).check(HealthCheckRequest.getDefaultInstance()))
				.isNotNull();
		}
	}

}
