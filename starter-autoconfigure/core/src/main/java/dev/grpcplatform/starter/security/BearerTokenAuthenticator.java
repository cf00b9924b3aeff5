package dev.grpcplatform.starter.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.util.Assert;

/**
 * Turns a bearer token into the caller's authentication with a {@link JwtDecoder}, remembering
 * validated tokens until they expire.
 *
 * <p>Verifying a signature and parsing the claims is the expensive part of a call with a token,
 * and clients send the same token with every call until it expires. A validated token is
 * remembered (by its exact text) until its {@code exp}, and at most {@value #MAX_CACHE_MINUTES}
 * minutes so that a revoked signing key stops working soon; a token that fails is never
 * remembered. When the cache is full, expired entries are dropped, and if none were, all.
 */
public class BearerTokenAuthenticator {

	static final int MAX_CACHE_MINUTES = 5;

	private static final Duration MAX_CACHE_TIME = Duration.ofMinutes(MAX_CACHE_MINUTES);

	private final JwtDecoder decoder;

	private final Converter<Jwt, ? extends AbstractAuthenticationToken> converter;

	private final int cacheSize;

	private final Clock clock;

	private final Map<String, CachedAuthentication> cache;

	/**
	 * Creates an authenticator.
	 * @param decoder decoder that validates tokens
	 * @param converter converter of a validated token to an authentication
	 * @param cacheSize most validated tokens remembered; {@code 0} for none
	 */
	public BearerTokenAuthenticator(JwtDecoder decoder, Converter<Jwt, ? extends AbstractAuthenticationToken> converter,
			int cacheSize) {
		this(decoder, converter, cacheSize, Clock.systemUTC());
	}

	BearerTokenAuthenticator(JwtDecoder decoder, Converter<Jwt, ? extends AbstractAuthenticationToken> converter,
			int cacheSize, Clock clock) {
		Assert.notNull(decoder, "decoder must not be null");
		Assert.notNull(converter, "converter must not be null");
		Assert.isTrue(cacheSize >= 0, "cacheSize must not be negative");
		this.decoder = decoder;
		this.converter = converter;
		this.cacheSize = cacheSize;
		this.clock = clock;
		this.cache = (cacheSize > 0) ? new ConcurrentHashMap<>() : null;
	}

	/**
	 * Validates the token and returns the caller it stands for.
	 * @param token the bearer token
	 * @return the authenticated caller
	 * @throws BadJwtException if the token is not valid (malformed, wrong signature, expired ...)
	 * @throws JwtException if the token could not be checked (for example, the key set could not
	 * be fetched)
	 */
	public AbstractAuthenticationToken authenticate(String token) {
		// Millis, not an Instant: a cached token costs no allocation.
		long now = (this.cache != null) ? this.clock.millis() : 0;
		if (this.cache != null) {
			CachedAuthentication cached = this.cache.get(token);
			if (cached != null) {
				if (now < cached.validUntilMillis()) {
					return cached.authentication();
				}
				this.cache.remove(token, cached);
			}
		}
		Jwt jwt = this.decoder.decode(token);
		AbstractAuthenticationToken authentication = this.converter.convert(jwt);
		if (authentication == null) {
			throw new BadJwtException("Token converter returned no authentication");
		}
		if (this.cache != null && jwt.getExpiresAt() != null) {
			remember(token, authentication, jwt.getExpiresAt(), now);
		}
		return authentication;
	}

	private void remember(String token, AbstractAuthenticationToken authentication, Instant expiresAt, long now) {
		long validUntil = Math.min(expiresAt.toEpochMilli(), now + MAX_CACHE_TIME.toMillis());
		if (now >= validUntil) {
			return;
		}
		if (this.cache.size() >= this.cacheSize) {
			this.cache.values().removeIf((entry) -> now >= entry.validUntilMillis());
			if (this.cache.size() >= this.cacheSize) {
				this.cache.clear();
			}
		}
		this.cache.put(token, new CachedAuthentication(authentication, validUntil));
	}

	private record CachedAuthentication(AbstractAuthenticationToken authentication, long validUntilMillis) {

	}

}
