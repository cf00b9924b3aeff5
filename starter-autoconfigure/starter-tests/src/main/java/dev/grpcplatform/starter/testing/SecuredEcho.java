package dev.grpcplatform.starter.testing;

import dev.grpcplatform.starter.security.DevelopmentTokens;

/**
 * Security set-up of the echo service shared by the security tests: a server whose methods need a
 * token of {@link #ISSUER} for {@link #AUDIENCE} signed with {@link #SECRET}, with scopes per method.
 */
public final class SecuredEcho {

	/**
	 * HMAC secret the server verifies tokens with.
	 */
	public static final String SECRET = "secret-of-the-grpc-platform-security-tests";

	/**
	 * Issuer the server requires.
	 */
	public static final String ISSUER = "https://issuer.test";

	/**
	 * Audience the server requires.
	 */
	public static final String AUDIENCE = "echo";

	/**
	 * Server properties: no public method, the key, issuer and audience above, scope {@code echo}
	 * for every EchoService method and {@code echo:collect} for Collect.
	 */
	public static final String[] SECURED = { TestServers.NO_PUBLIC_METHODS,
			"platform.grpc.security.jwt.secret=" + SECRET, "platform.grpc.security.jwt.issuer=" + ISSUER,
			"platform.grpc.security.jwt.audiences=" + AUDIENCE,
			"platform.grpc.security.required-scopes[platform.testing.v1.EchoService/*]=echo",
			"platform.grpc.security.required-scopes[platform.testing.v1.EchoService/Collect]=echo:collect" };

	private SecuredEcho() {
	}

	/**
	 * Returns a builder of a token the {@link #SECURED} server accepts, without scopes.
	 * @param subject the caller
	 * @return the builder
	 */
	public static DevelopmentTokens.Builder token(String subject) {
		return DevelopmentTokens.builder().secret(SECRET).issuer(ISSUER).audience(AUDIENCE).subject(subject);
	}

	/**
	 * Returns a token with every scope the {@link #SECURED} server asks for.
	 * @param subject the caller
	 * @return the token
	 */
	public static String validToken(String subject) {
		return token(subject).scopes("echo", "echo:collect", "echo:stream").mint();
	}

}
