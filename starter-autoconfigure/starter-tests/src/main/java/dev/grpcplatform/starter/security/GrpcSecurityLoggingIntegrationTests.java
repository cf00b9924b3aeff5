package dev.grpcplatform.starter.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.testing.CallerTestApplication;
import dev.grpcplatform.starter.testing.EchoCalls;
import dev.grpcplatform.starter.testing.SecuredEcho;
import dev.grpcplatform.starter.testing.TestServers;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests proving that neither tokens nor secrets reach the logs, with debug logging of
 * the platform's security and of Spring Security on.
 */
@ExtendWith(OutputCaptureExtension.class)
class GrpcSecurityLoggingIntegrationTests {

	@Test
	void logsOfFailedAndSuccessfulCallsHoldTheReasonButNoTokenOrSecret(CapturedOutput output) throws Exception {
		String[] properties = Stream
			.concat(Stream.of(SecuredEcho.SECURED),
					Stream.of("logging.level.dev.grpcplatform.starter=DEBUG",
							"logging.level.org.springframework.security=TRACE"))
			.toArray(String[]::new);
		String valid = SecuredEcho.validToken("alice");
		String expired = SecuredEcho.token("mallory")
			.scopes("echo")
			.expiresAt(Instant.now().minus(Duration.ofHours(1)))
			.mint();
		String forged = SecuredEcho.token("mallory")
			.secret("another-secret-that-is-long-enough-to-sign")
			.scopes("echo")
			.mint();
		String withoutScopes = SecuredEcho.token("bob").mint();
		String garbled = valid.substring(0, valid.length() / 2) + "%" + valid.substring(valid.length() / 2);
		String[] parts = valid.split("\\.");
		String notJson = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
			.encodeToString("{\"sub\": \"alice\", \"scope\": [unquoted secret-ish".getBytes(StandardCharsets.UTF_8))
				+ "." + parts[2];
		try (RunningGrpcApplication server = TestServers.start(new Class<?>[] { CallerTestApplication.class }, properties)) {
			ManagedChannel channel = server.newChannel();
			assertThat(call(channel, "Bearer " + valid)).isEqualTo(Status.Code.OK);
			assertThat(call(channel, "Bearer " + expired)).isEqualTo(Status.Code.UNAUTHENTICATED);
			assertThat(call(channel, "Bearer " + forged)).isEqualTo(Status.Code.UNAUTHENTICATED);
			assertThat(call(channel, "Bearer " + garbled)).isEqualTo(Status.Code.UNAUTHENTICATED);
			assertThat(call(channel, "Bearer " + valid.replace('.', '!'))).isEqualTo(Status.Code.UNAUTHENTICATED);
			assertThat(call(channel, "Bearer " + notJson)).isEqualTo(Status.Code.UNAUTHENTICATED);
			assertThat(call(channel, "Bearer " + withoutScopes)).isEqualTo(Status.Code.PERMISSION_DENIED);
		}
		assertThat(output.getAll()).contains("rejected with UNAUTHENTICATED: invalid bearer token: ")
			.contains("Jwt expired at")
			.contains("rejected with UNAUTHENTICATED: malformed bearer token")
			.contains("rejected with PERMISSION_DENIED: requires scopes [echo]")
			.doesNotContain(SecuredEcho.SECRET);
		assertThat(output.getAll()).doesNotContain("unquoted secret-ish");
		for (String token : List.of(valid, expired, forged, withoutScopes, notJson)) {
			for (String part : token.split("\\.")) {
				assertThat(output.getAll()).doesNotContain(part);
			}
		}
	}

	private static Status.Code call(ManagedChannel channel, String authorization) throws Exception {
		return EchoCalls.call(channel, EchoCalls.Type.UNARY, EchoCalls.authorization(authorization)).status().getCode();
	}

}
