package dev.grpcplatform.starter.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * Mints HS256-signed JWT bearer tokens for local runs, tests and benchmarks.
 *
 * <p>Tokens are signed with the built-in development {@link #SECRET} unless another secret is
 * given. A server accepts that secret only while a {@code dev} or {@code local} profile is active
 * (it then uses it by itself when no other key is configured), and refuses to start with it
 * otherwise. From code:
 * <pre class="code">
 * String token = DevelopmentTokens.mint("alice", "users:read", "users:write");
 * </pre>
 * From a shell, printing a token valid for an hour:
 * <pre class="code">
 * ./mvnw -q -pl starter-autoconfigure compile exec:java \
 *     -Dexec.mainClass=dev.grpcplatform.starter.security.DevelopmentTokens \
 *     -Dexec.args="alice users:read users:write"
 * </pre>
 */
public final class DevelopmentTokens {

	/**
	 * Built-in development secret: public knowledge, so never a production key.
	 */
	public static final String SECRET = "grpc-platform-development-secret-not-for-production";

	/**
	 * Issuer ({@code iss}) of development tokens.
	 */
	public static final String ISSUER = "grpc-platform-dev";

	/**
	 * Environment variable with another secret for {@link #main}, the same one that sets
	 * {@code platform.grpc.security.jwt.secret} of a server.
	 */
	public static final String SECRET_VARIABLE = "PLATFORM_GRPC_SECURITY_JWT_SECRET";

	private static final Duration DEFAULT_VALIDITY = Duration.ofHours(1);

	private DevelopmentTokens() {
	}

	/**
	 * Mints a token for the given subject and scopes, signed with the built-in secret and valid
	 * for an hour.
	 * @param subject the caller ({@code sub})
	 * @param scopes the caller's scopes ({@code scope})
	 * @return the token
	 */
	public static String mint(String subject, String... scopes) {
		return builder().subject(subject).scopes(scopes).mint();
	}

	/**
	 * Starts a token with the built-in secret, issuer {@value #ISSUER}, subject {@code developer},
	 * no scopes and a validity of an hour.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Prints a token: {@code [--ttl=1h] [--issuer=...] [--audience=...] [--roles=a,b] [subject [scope ...]]}.
	 * The secret is the built-in one unless the environment variable {@value #SECRET_VARIABLE}
	 * holds another.
	 * @param args the arguments
	 */
	public static void main(String[] args) {
		System.out.println(fromArguments(args, System.getenv(SECRET_VARIABLE)).mint());
	}

	static Builder fromArguments(String[] args, String secret) {
		Builder builder = builder();
		if (StringUtils.hasText(secret)) {
			builder.secret(secret);
		}
		List<String> positional = new ArrayList<>();
		for (String arg : args) {
			if (arg.startsWith("--ttl=")) {
				builder.validity(DurationStyle.detectAndParse(value(arg)));
			}
			else if (arg.startsWith("--issuer=")) {
				builder.issuer(value(arg));
			}
			else if (arg.startsWith("--audience=")) {
				builder.audience(value(arg));
			}
			else if (arg.startsWith("--roles=")) {
				builder.roles(StringUtils.commaDelimitedListToStringArray(value(arg)));
			}
			else if (arg.startsWith("--")) {
				throw new IllegalArgumentException("Unknown option " + arg
						+ "; use [--ttl=1h] [--issuer=...] [--audience=...] [--roles=a,b] [subject [scope ...]]");
			}
			else {
				positional.add(arg);
			}
		}
		if (!positional.isEmpty()) {
			builder.subject(positional.get(0));
			builder.scopes(positional.subList(1, positional.size()).toArray(String[]::new));
		}
		return builder;
	}

	private static String value(String arg) {
		return arg.substring(arg.indexOf('=') + 1);
	}

	/**
	 * Builder of a development token.
	 */
	public static final class Builder {

		private String secret = SECRET;

		private String subject = "developer";

		private final List<String> scopes = new ArrayList<>();

		private final List<String> roles = new ArrayList<>();

		private String issuer = ISSUER;

		private final List<String> audiences = new ArrayList<>();

		private Duration validity = DEFAULT_VALIDITY;

		private Instant expiresAt;

		private Instant notBefore;

		private Builder() {
		}

		/**
		 * Signs with the given HS256 secret instead of the built-in one.
		 * @param secret the secret, at least 32 bytes
		 * @return this builder
		 */
		public Builder secret(String secret) {
			Assert.isTrue(secret != null && secret.getBytes(StandardCharsets.UTF_8).length >= 32,
					"secret must be at least 32 bytes");
			this.secret = secret;
			return this;
		}

		/**
		 * Sets the caller ({@code sub}).
		 * @param subject the subject
		 * @return this builder
		 */
		public Builder subject(String subject) {
			Assert.hasText(subject, "subject must not be empty");
			this.subject = subject;
			return this;
		}

		/**
		 * Adds scopes (the space-separated {@code scope} claim).
		 * @param scopes the scopes
		 * @return this builder
		 */
		public Builder scopes(String... scopes) {
			this.scopes.addAll(List.of(scopes));
			return this;
		}

		/**
		 * Adds roles (the {@code roles} claim, a list).
		 * @param roles the roles
		 * @return this builder
		 */
		public Builder roles(String... roles) {
			this.roles.addAll(List.of(roles));
			return this;
		}

		/**
		 * Sets the issuer ({@code iss}); {@code null} for none.
		 * @param issuer the issuer
		 * @return this builder
		 */
		public Builder issuer(String issuer) {
			this.issuer = issuer;
			return this;
		}

		/**
		 * Adds an audience ({@code aud}).
		 * @param audience the audience
		 * @return this builder
		 */
		public Builder audience(String audience) {
			this.audiences.add(audience);
			return this;
		}

		/**
		 * Sets how long the token is valid from now.
		 * @param validity the validity
		 * @return this builder
		 */
		public Builder validity(Duration validity) {
			Assert.notNull(validity, "validity must not be null");
			this.validity = validity;
			this.expiresAt = null;
			return this;
		}

		/**
		 * Sets when the token expires ({@code exp}), also in the past.
		 * @param expiresAt the expiry
		 * @return this builder
		 */
		public Builder expiresAt(Instant expiresAt) {
			Assert.notNull(expiresAt, "expiresAt must not be null");
			this.expiresAt = expiresAt;
			return this;
		}

		/**
		 * Sets from when the token is valid ({@code nbf}).
		 * @param notBefore the start of validity
		 * @return this builder
		 */
		public Builder notBefore(Instant notBefore) {
			this.notBefore = notBefore;
			return this;
		}

		/**
		 * Signs the token.
		 * @return the compact serialization of the token
		 */
		public String mint() {
			Instant now = Instant.now();
			Instant expiry = (this.expiresAt != null) ? this.expiresAt : now.plus(this.validity);
			// A token that expired already was issued before it expired.
			Instant issuedAt = expiry.isAfter(now) ? now : expiry.minus(DEFAULT_VALIDITY);
			JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
				.subject(this.subject)
				.issueTime(Date.from(issuedAt))
				.expirationTime(Date.from(expiry));
			if (this.issuer != null) {
				claims.issuer(this.issuer);
			}
			if (!this.audiences.isEmpty()) {
				claims.audience(this.audiences);
			}
			if (this.notBefore != null) {
				claims.notBeforeTime(Date.from(this.notBefore));
			}
			if (!this.scopes.isEmpty()) {
				claims.claim("scope", String.join(" ", this.scopes));
			}
			if (!this.roles.isEmpty()) {
				claims.claim("roles", this.roles);
			}
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
					claims.build());
			try {
				jwt.sign(new MACSigner(this.secret.getBytes(StandardCharsets.UTF_8)));
			}
			catch (JOSEException ex) {
				throw new IllegalStateException("Could not sign the development token", ex);
			}
			return jwt.serialize();
		}

	}

}
