package dev.grpcplatform.bench;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Authentication of the platform variants: a secret made for one harness run, the server
 * properties that require a scope of every bench call, and a token with that scope.
 *
 * <p>The secret reaches the servers in the environment, never on a command line or in the results.
 */
final class BenchSecurity {

	static final String SECRET_VARIABLE = "PLATFORM_GRPC_SECURITY_JWT_SECRET";

	static final String SCOPE = "bench:call";

	private final String secret;

	private BenchSecurity(String secret) {
		this.secret = secret;
	}

	static BenchSecurity generate() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return new BenchSecurity(Base64.getUrlEncoder().withoutPadding().encodeToString(key));
	}

	String secret() {
		return this.secret;
	}

	/**
	 * Properties of a platform server: every bench method needs the bench scope, so both the
	 * authentication and the authorization interceptor work on every call.
	 * @return the properties
	 */
	List<String> serverProperties() {
		return List.of("platform.grpc.security.required-scopes[platform.bench.v1.BenchService]=" + SCOPE);
	}

	/**
	 * The metadata the clients of platform servers send: a bearer token valid for longer than any run.
	 * @return the header, {@code authorization=Bearer <token>}
	 */
	String authorizationHeader() {
		Instant now = Instant.now();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("bench")
			.claim("scope", SCOPE)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofHours(4))))
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
		try {
			jwt.sign(new MACSigner(this.secret.getBytes(StandardCharsets.UTF_8)));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot sign the bench token", ex);
		}
		return "authorization=Bearer " + jwt.serialize();
	}

}
