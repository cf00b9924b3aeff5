package dev.grpcplatform.starter.security;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link DevelopmentTokens}.
 */
@ExtendWith(OutputCaptureExtension.class)
class DevelopmentTokensTests {

	private static JwtDecoder decoder(String secret, boolean development) {
		GrpcSecurityProperties.Jwt properties = new GrpcSecurityProperties.Jwt();
		properties.setSecret(secret);
		return PlatformJwtDecoders.create(properties, development);
	}

	@Test
	void mintedTokenIsAcceptedByADevelopmentServer() {
		Jwt jwt = decoder(null, true).decode(DevelopmentTokens.mint("alice", "users:read", "users:write"));
		assertThat(jwt.getSubject()).isEqualTo("alice");
		assertThat(jwt.getClaimAsString("scope")).isEqualTo("users:read users:write");
		assertThat(jwt.getClaimAsString("iss")).isEqualTo(DevelopmentTokens.ISSUER);
		assertThat(Duration.between(jwt.getIssuedAt(), jwt.getExpiresAt())).isEqualTo(Duration.ofHours(1));
	}

	@Test
	void mainPrintsATokenFromTheArguments(CapturedOutput output) {
		DevelopmentTokens.main(new String[] { "--ttl=10m", "--audience=users", "--roles=admin,ops", "bob", "users:read" });
		String printed = output.getOut().trim();
		Jwt jwt = decoder(null, true).decode(printed);
		assertThat(jwt.getSubject()).isEqualTo("bob");
		assertThat(jwt.getAudience()).containsExactly("users");
		assertThat(jwt.getClaimAsStringList("roles")).containsExactly("admin", "ops");
		assertThat(jwt.getClaimAsString("scope")).isEqualTo("users:read");
		assertThat(Duration.between(jwt.getIssuedAt(), jwt.getExpiresAt())).isEqualTo(Duration.ofMinutes(10));
	}

	@Test
	void secretFromTheEnvironmentVariableSignsTheToken() {
		String secret = "secret-of-a-team-environment-at-least-32-bytes";
		String token = DevelopmentTokens.fromArguments(new String[] { "carol" }, secret).mint();
		assertThat(decoder(secret, false).decode(token).getSubject()).isEqualTo("carol");
	}

	@Test
	void unknownOptionIsRejectedWithUsage() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DevelopmentTokens.fromArguments(new String[] { "--scopes=a" }, null))
			.withMessageContaining("Unknown option --scopes=a")
			.withMessageContaining("[subject [scope ...]]");
	}

	@Test
	void shortSecretIsRejectedWithoutShowingIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> DevelopmentTokens.builder().secret("short-one"))
			.withMessage("secret must be at least 32 bytes");
	}

	@Test
	void withoutArgumentsTheCallerIsDeveloperWithoutScopes() {
		Jwt jwt = decoder(null, true).decode(DevelopmentTokens.fromArguments(new String[0], null).mint());
		assertThat(jwt.getSubject()).isEqualTo("developer");
		assertThat(jwt.getClaims()).doesNotContainKeys("scope", "roles", "aud");
		assertThat(List.of(jwt.getTokenValue().split("\\."))).hasSize(3);
	}

}
