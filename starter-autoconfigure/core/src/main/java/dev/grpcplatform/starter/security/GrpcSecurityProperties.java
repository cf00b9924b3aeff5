package dev.grpcplatform.starter.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * Configuration properties of the authentication and authorization of gRPC calls, and of the
 * server's TLS.
 */
@ConfigurationProperties("platform.grpc.security")
public class GrpcSecurityProperties {

	/**
	 * Whether every method needs an authenticated caller (bearer token or client certificate)
	 * unless it is public, and scopes are enforced per method. TLS follows tls.bundle either way.
	 */
	private boolean enabled = true;

	/**
	 * Methods anyone may call without credentials: "package.Service/Method", "package.Service/*"
	 * (or "package.Service") for a whole service, "*" for every method.
	 */
	private List<String> publicMethods = new ArrayList<>();

	/**
	 * Whether grpc.health.v1.Health may be called without credentials, as load balancers and
	 * Kubernetes probes do.
	 */
	private boolean healthPublic = true;

	/**
	 * Whether server reflection (grpc.reflection.v1 and v1alpha) may be called without
	 * credentials.
	 */
	private boolean reflectionPublic = true;

	/**
	 * Scopes a caller needs, by method pattern (as in public-methods, in brackets:
	 * [package.Service/Method]=scope-a,scope-b). A caller needs every scope of every matching entry
	 * and of @RequireScopes on the service method.
	 */
	private Map<String, List<String>> requiredScopes = new LinkedHashMap<>();

	private final Jwt jwt = new Jwt();

	private final Tls tls = new Tls();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getPublicMethods() {
		return this.publicMethods;
	}

	public void setPublicMethods(List<String> publicMethods) {
		this.publicMethods = publicMethods;
	}

	public boolean isHealthPublic() {
		return this.healthPublic;
	}

	public void setHealthPublic(boolean healthPublic) {
		this.healthPublic = healthPublic;
	}

	public boolean isReflectionPublic() {
		return this.reflectionPublic;
	}

	public void setReflectionPublic(boolean reflectionPublic) {
		this.reflectionPublic = reflectionPublic;
	}

	public Map<String, List<String>> getRequiredScopes() {
		return this.requiredScopes;
	}

	public void setRequiredScopes(Map<String, List<String>> requiredScopes) {
		this.requiredScopes = requiredScopes;
	}

	public Jwt getJwt() {
		return this.jwt;
	}

	public Tls getTls() {
		return this.tls;
	}

	/**
	 * Returns the patterns of every public method: the configured ones, and health and reflection
	 * unless they are closed.
	 * @return the method patterns
	 */
	public List<String> determinePublicMethods() {
		List<String> patterns = new ArrayList<>(this.publicMethods);
		if (this.healthPublic) {
			patterns.add("grpc.health.v1.Health/*");
		}
		if (this.reflectionPublic) {
			patterns.add("grpc.reflection.v1.ServerReflection/*");
			patterns.add("grpc.reflection.v1alpha.ServerReflection/*");
		}
		return patterns;
	}

	/**
	 * Validation of JWT bearer tokens.
	 */
	public static class Jwt {

		/**
		 * Shared secret of HMAC-signed (HS256) tokens, at least 32 bytes; for development and
		 * tests. Without any key setting, the built-in development secret is used while a 'dev' or
		 * 'local' profile is active.
		 */
		private String secret;

		/**
		 * Location of the PEM public key or certificate (RSA or EC) whose private key signs the
		 * tokens.
		 */
		private Resource publicKeyLocation;

		/**
		 * URI of the JSON Web Key Set of the token issuer, for RS256/ES256 tokens in production.
		 */
		private String jwkSetUri;

		/**
		 * Signature algorithms accepted. When empty: HS256 for a secret, RS256 for an RSA key or a
		 * key set, ES256, ES384 or ES512 for an EC key by its curve.
		 */
		private List<String> jwsAlgorithms = new ArrayList<>();

		/**
		 * Required "iss" claim; not checked when not set.
		 */
		private String issuer;

		/**
		 * Accepted "aud" values, of which a token must name at least one; not checked when empty.
		 */
		private List<String> audiences = new ArrayList<>();

		/**
		 * Tolerance for clock differences between issuer and server when checking "exp" and
		 * "nbf".
		 */
		private Duration clockSkew = Duration.ofSeconds(60);

		/**
		 * Claims that hold the caller's scopes, each a space-separated string or a list; every
		 * scope becomes a "SCOPE_" authority.
		 */
		private List<String> scopeClaims = new ArrayList<>(List.of("scope", "scp"));

		/**
		 * Claim that holds the caller's roles, a string or a list; every role becomes a "ROLE_"
		 * authority.
		 */
		private String rolesClaim = "roles";

		/**
		 * Claim that names the caller.
		 */
		private String principalClaim = "sub";

		/**
		 * Most validated tokens remembered, so that a repeated token is not verified again until it
		 * expires (at most 5 minutes); 0 verifies every call's token.
		 */
		private int cacheSize = 4096;

		public String getSecret() {
			return this.secret;
		}

		public void setSecret(String secret) {
			this.secret = secret;
		}

		public Resource getPublicKeyLocation() {
			return this.publicKeyLocation;
		}

		public void setPublicKeyLocation(Resource publicKeyLocation) {
			this.publicKeyLocation = publicKeyLocation;
		}

		public String getJwkSetUri() {
			return this.jwkSetUri;
		}

		public void setJwkSetUri(String jwkSetUri) {
			this.jwkSetUri = jwkSetUri;
		}

		public List<String> getJwsAlgorithms() {
			return this.jwsAlgorithms;
		}

		public void setJwsAlgorithms(List<String> jwsAlgorithms) {
			this.jwsAlgorithms = jwsAlgorithms;
		}

		public String getIssuer() {
			return this.issuer;
		}

		public void setIssuer(String issuer) {
			this.issuer = issuer;
		}

		public List<String> getAudiences() {
			return this.audiences;
		}

		public void setAudiences(List<String> audiences) {
			this.audiences = audiences;
		}

		public Duration getClockSkew() {
			return this.clockSkew;
		}

		public void setClockSkew(Duration clockSkew) {
			this.clockSkew = clockSkew;
		}

		public List<String> getScopeClaims() {
			return this.scopeClaims;
		}

		public void setScopeClaims(List<String> scopeClaims) {
			this.scopeClaims = scopeClaims;
		}

		public String getRolesClaim() {
			return this.rolesClaim;
		}

		public void setRolesClaim(String rolesClaim) {
			this.rolesClaim = rolesClaim;
		}

		public String getPrincipalClaim() {
			return this.principalClaim;
		}

		public void setPrincipalClaim(String principalClaim) {
			this.principalClaim = principalClaim;
		}

		public int getCacheSize() {
			return this.cacheSize;
		}

		public void setCacheSize(int cacheSize) {
			this.cacheSize = cacheSize;
		}

	}

	/**
	 * TLS of the gRPC server.
	 */
	public static class Tls {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.pem.* or spring.ssl.bundle.jks.*) whose keystore
		 * holds the server's certificate and key, and whose truststore verifies client
		 * certificates. The server speaks plaintext when not set.
		 */
		private String bundle;

		/**
		 * Whether clients must or may present a certificate signed by the bundle's truststore;
		 * its subject is the principal of calls without a bearer token.
		 */
		private ClientAuth clientAuth = ClientAuth.NONE;

		public String getBundle() {
			return this.bundle;
		}

		public void setBundle(String bundle) {
			this.bundle = bundle;
		}

		public ClientAuth getClientAuth() {
			return this.clientAuth;
		}

		public void setClientAuth(ClientAuth clientAuth) {
			this.clientAuth = clientAuth;
		}

	}

	/**
	 * Whether the server asks clients for a certificate.
	 */
	public enum ClientAuth {

		/**
		 * Clients are not asked for a certificate.
		 */
		NONE,

		/**
		 * Clients may present a certificate.
		 */
		OPTIONAL,

		/**
		 * Clients must present a certificate; the handshake fails without one.
		 */
		REQUIRE

	}

}
