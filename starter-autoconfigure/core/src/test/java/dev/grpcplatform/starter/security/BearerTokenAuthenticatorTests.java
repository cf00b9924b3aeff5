package dev.grpcplatform.starter.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link BearerTokenAuthenticator}.
 */
class BearerTokenAuthenticatorTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

	private final AtomicInteger decodes = new AtomicInteger();

	private Instant expiresAt = this.clock.instant().plus(Duration.ofMinutes(2));

	private final JwtDecoder decoder = (token) -> {
		this.decodes.incrementAndGet();
		if (token.startsWith("bad")) {
			throw new BadJwtException("bad token");
		}
		return Jwt.withTokenValue(token)
			.header("alg", "HS256")
			.subject(token)
			.issuedAt(this.clock.instant().minusSeconds(1))
			.expiresAt(this.expiresAt)
			.build();
	};

	@Test
	void repeatedTokenIsVerifiedOnceUntilItExpires() {
		BearerTokenAuthenticator authenticator = new BearerTokenAuthenticator(this.decoder,
				new JwtAuthenticationConverter(), 10, this.clock);
		assertThat(authenticator.authenticate("alice").getName()).isEqualTo("alice");
		assertThat(authenticator.authenticate("alice").getName()).isEqualTo("alice");
		assertThat(this.decodes).hasValue(1);
		this.clock.advance(Duration.ofMinutes(2));
		// Expired: the decoder decides again (and would reject it).
		authenticator.authenticate("alice");
		assertThat(this.decodes).hasValue(2);
	}

	@Test
	void tokenIsVerifiedAgainAfterFiveMinutesEvenIfItExpiresLater() {
		this.expiresAt = this.clock.instant().plus(Duration.ofHours(1));
		BearerTokenAuthenticator authenticator = new BearerTokenAuthenticator(this.decoder,
				new JwtAuthenticationConverter(), 10, this.clock);
		authenticator.authenticate("alice");
		this.clock.advance(Duration.ofMinutes(4));
		authenticator.authenticate("alice");
		assertThat(this.decodes).hasValue(1);
		this.clock.advance(Duration.ofMinutes(1));
		authenticator.authenticate("alice");
		assertThat(this.decodes).hasValue(2);
	}

	@Test
	void invalidTokensAreNeverRemembered() {
		BearerTokenAuthenticator authenticator = new BearerTokenAuthenticator(this.decoder,
				new JwtAuthenticationConverter(), 10, this.clock);
		for (int i = 0; i < 2; i++) {
			assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> authenticator.authenticate("bad"));
		}
		assertThat(this.decodes).hasValue(2);
	}

	@Test
	void fullCacheMakesRoomAndKeepsAnswering() {
		BearerTokenAuthenticator authenticator = new BearerTokenAuthenticator(this.decoder,
				new JwtAuthenticationConverter(), 2, this.clock);
		for (String token : new String[] { "a", "b", "c", "d", "c", "d" }) {
			assertThat(authenticator.authenticate(token).getName()).isEqualTo(token);
		}
		assertThat(this.decodes).hasValue(4);
	}

	@Test
	void cacheSizeZeroVerifiesEveryTime() {
		BearerTokenAuthenticator authenticator = new BearerTokenAuthenticator(this.decoder,
				new JwtAuthenticationConverter(), 0, this.clock);
		authenticator.authenticate("alice");
		authenticator.authenticate("alice");
		assertThat(this.decodes).hasValue(2);
	}

	static final class MutableClock extends Clock {

		private Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
