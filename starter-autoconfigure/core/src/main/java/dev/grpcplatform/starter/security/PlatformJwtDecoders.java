package dev.grpcplatform.starter.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.core.io.Resource;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.DelegatingJwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestTemplate;

/**
 * Creates the {@link JwtDecoder} that {@code platform.grpc.security.jwt.*} describes.
 */
public final class PlatformJwtDecoders {

	private static final Log logger = LogFactory.getLog(PlatformJwtDecoders.class);

	private static final int MIN_SECRET_BYTES = 32;

	private static final Duration KEY_SET_TIMEOUT = Duration.ofSeconds(5);

	private PlatformJwtDecoders() {
	}

	/**
	 * Whether a key to verify tokens is configured.
	 */
	static boolean hasKey(GrpcSecurityProperties.Jwt properties) {
		return StringUtils.hasText(properties.getSecret()) || properties.getPublicKeyLocation() != null
				|| StringUtils.hasText(properties.getJwkSetUri());
	}

	/**
	 * Says why a key to verify bearer tokens is available: a
	 * {@code platform.grpc.security.jwt.secret}, {@code public-key-location} or {@code jwk-set-uri}, or
	 * a development profile that makes the built-in development secret available.
	 * @param environment environment of the application
	 * @return the reason, or {@code null} when no key is available
	 */
	public static @Nullable String keySource(Environment environment) {
		Binder binder = Binder.get(environment);
		for (String property : List.of("secret", "public-key-location", "jwk-set-uri")) {
			String name = "platform.grpc.security.jwt." + property;
			if (binder.bind(name, String.class).map(StringUtils::hasText).orElse(false)) {
				return name + " is set";
			}
		}
		return isDevelopment(environment) ? "a 'dev' or 'local' profile is active" : null;
	}

	/**
	 * Whether a development profile ({@code dev} or {@code local}) is active.
	 * @param environment environment of the application
	 * @return whether the built-in development secret may be used
	 */
	public static boolean isDevelopment(Environment environment) {
		return environment.acceptsProfiles(Profiles.of("dev", "local"));
	}

	/**
	 * Creates the converter of validated tokens into authentications: authorities from the scope
	 * claims ({@code SCOPE_} prefix) and the roles claim ({@code ROLE_} prefix), principal from the
	 * principal claim.
	 * @param properties the settings
	 * @return the converter
	 */
	public static JwtAuthenticationConverter authenticationConverter(GrpcSecurityProperties.Jwt properties) {
		Collection<Converter<Jwt, Collection<GrantedAuthority>>> authorities = new ArrayList<>();
		for (String claim : properties.getScopeClaims()) {
			JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();
			scopes.setAuthoritiesClaimName(claim);
			authorities.add(scopes);
		}
		if (StringUtils.hasText(properties.getRolesClaim())) {
			JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
			roles.setAuthoritiesClaimName(properties.getRolesClaim());
			roles.setAuthorityPrefix("ROLE_");
			authorities.add(roles);
		}
		JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
		converter.setJwtGrantedAuthoritiesConverter(new DelegatingJwtGrantedAuthoritiesConverter(authorities));
		converter.setPrincipalClaimName(properties.getPrincipalClaim());
		return converter;
	}

	/**
	 * Creates the decoder.
	 * @param properties the settings
	 * @param developmentProfile whether a {@code dev} or {@code local} profile is active
	 * @return the decoder
	 * @throws IllegalStateException if the settings are not usable
	 */
	public static JwtDecoder create(GrpcSecurityProperties.Jwt properties, boolean developmentProfile) {
		int keys = (StringUtils.hasText(properties.getSecret()) ? 1 : 0)
				+ ((properties.getPublicKeyLocation() != null) ? 1 : 0)
				+ (StringUtils.hasText(properties.getJwkSetUri()) ? 1 : 0);
		if (keys > 1) {
			throw new IllegalStateException("Configure only one of platform.grpc.security.jwt.secret, "
					+ "platform.grpc.security.jwt.public-key-location and platform.grpc.security.jwt.jwk-set-uri");
		}
		NimbusJwtDecoder decoder;
		if (StringUtils.hasText(properties.getJwkSetUri())) {
			Set<SignatureAlgorithm> algorithms = signatureAlgorithms(properties.getJwsAlgorithms());
			// Bounded, so that a slow issuer cannot hold handler threads for long.
			SimpleClientHttpRequestFactory requestFactory = new SimpleClientHttpRequestFactory();
			requestFactory.setConnectTimeout(KEY_SET_TIMEOUT);
			requestFactory.setReadTimeout(KEY_SET_TIMEOUT);
			decoder = NimbusJwtDecoder.withJwkSetUri(properties.getJwkSetUri())
				.jwsAlgorithms((accepted) -> accepted.addAll(algorithms))
				.restOperations(new RestTemplate(requestFactory))
				.build();
		}
		else if (properties.getPublicKeyLocation() != null) {
			PublicKey key = readPublicKey(properties.getPublicKeyLocation());
			decoder = decoder(key, algorithms(properties.getJwsAlgorithms(), key));
		}
		else {
			String secret = properties.getSecret();
			if (!StringUtils.hasText(secret)) {
				if (!developmentProfile) {
					throw new IllegalStateException("No key to verify JWT bearer tokens is configured");
				}
				logger.warn("gRPC bearer tokens are verified with the built-in development secret because a 'dev' or "
						+ "'local' profile is active and platform.grpc.security.jwt.* names no key; mint tokens with "
						+ DevelopmentTokens.class.getName() + ". Never use it in production.");
				secret = DevelopmentTokens.SECRET;
			}
			else if (secret.equals(DevelopmentTokens.SECRET) && !developmentProfile) {
				throw new IllegalStateException("platform.grpc.security.jwt.secret is the built-in development "
						+ "secret, which anyone can use to mint tokens: it is refused unless a 'dev' or 'local' profile "
						+ "is active. Configure your own secret, a public-key-location or a jwk-set-uri.");
			}
			byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
			if (bytes.length < MIN_SECRET_BYTES) {
				throw new IllegalStateException("platform.grpc.security.jwt.secret must be at least " + MIN_SECRET_BYTES
						+ " bytes (256 bits) long");
			}
			SecretKeySpec key = new SecretKeySpec(bytes, "HmacSHA256");
			Set<JWSAlgorithm> algorithms = algorithms(properties.getJwsAlgorithms(), key);
			for (JWSAlgorithm algorithm : algorithms) {
				// HS384 and HS512 need a secret as long as their hash.
				int needed = Integer.parseInt(algorithm.getName().substring(2)) / 8;
				if (bytes.length < needed) {
					throw new IllegalStateException("platform.grpc.security.jwt.secret must be at least " + needed
							+ " bytes long for " + algorithm);
				}
			}
			decoder = decoder(key, algorithms);
		}
		decoder.setJwtValidator(validator(properties));
		return decoder;
	}

	private static NimbusJwtDecoder decoder(Key key, Set<JWSAlgorithm> algorithms) {
		DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
		// The one configured key, whatever "kid" the token names; other algorithms find no key.
		JWSKeySelector<SecurityContext> keySelector = (header, context) -> algorithms.contains(header.getAlgorithm())
				? List.of(key) : List.of();
		processor.setJWSKeySelector(keySelector);
		// Claims are checked by the decoder's validators, with the configured clock skew.
		processor.setJWTClaimsSetVerifier((claims, context) -> {
		});
		return new NimbusJwtDecoder(processor);
	}

	static OAuth2TokenValidator<Jwt> validator(GrpcSecurityProperties.Jwt properties) {
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		validators.add(new JwtTimestampValidator(properties.getClockSkew()));
		// A token without expiry would be valid forever.
		validators.add(new JwtClaimValidator<Instant>(JwtClaimNames.EXP, Objects::nonNull));
		if (StringUtils.hasText(properties.getIssuer())) {
			validators.add(new JwtIssuerValidator(properties.getIssuer()));
		}
		List<String> audiences = properties.getAudiences();
		if (!audiences.isEmpty()) {
			validators.add(new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
					(aud) -> aud != null && aud.stream().anyMatch(audiences::contains)));
		}
		return new DelegatingOAuth2TokenValidator<>(validators);
	}

	private static Set<SignatureAlgorithm> signatureAlgorithms(List<String> names) {
		Set<SignatureAlgorithm> algorithms = new LinkedHashSet<>();
		for (String name : names) {
			SignatureAlgorithm algorithm = SignatureAlgorithm.from(name.trim());
			if (algorithm == null) {
				throw new IllegalStateException("platform.grpc.security.jwt.jws-algorithms: '" + name
						+ "' is not a signature algorithm of a key set (RS256, ES256, PS256 ...)");
			}
			algorithms.add(algorithm);
		}
		if (algorithms.isEmpty()) {
			algorithms.add(SignatureAlgorithm.RS256);
		}
		return algorithms;
	}

	private static Set<JWSAlgorithm> algorithms(List<String> names, Key key) {
		JWSAlgorithm.Family family;
		JWSAlgorithm defaultAlgorithm;
		if (key instanceof RSAPublicKey) {
			family = JWSAlgorithm.Family.RSA;
			defaultAlgorithm = JWSAlgorithm.RS256;
		}
		else if (key instanceof ECPublicKey ecKey) {
			family = JWSAlgorithm.Family.EC;
			int bits = ecKey.getParams().getCurve().getField().getFieldSize();
			defaultAlgorithm = (bits <= 256) ? JWSAlgorithm.ES256 : (bits <= 384) ? JWSAlgorithm.ES384 : JWSAlgorithm.ES512;
		}
		else {
			family = JWSAlgorithm.Family.HMAC_SHA;
			defaultAlgorithm = JWSAlgorithm.HS256;
		}
		Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
		for (String name : names) {
			JWSAlgorithm algorithm = JWSAlgorithm.parse(name.trim());
			if (!family.contains(algorithm)) {
				throw new IllegalStateException("platform.grpc.security.jwt.jws-algorithms: '" + name
						+ "' does not fit the configured " + key.getAlgorithm() + " key; use one of " + family);
			}
			algorithms.add(algorithm);
		}
		if (algorithms.isEmpty()) {
			algorithms.add(defaultAlgorithm);
		}
		return algorithms;
	}

	static PublicKey readPublicKey(Resource resource) {
		String pem;
		try (InputStream in = resource.getInputStream()) {
			pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"platform.grpc.security.jwt.public-key-location: cannot read " + resource.getDescription(), ex);
		}
		try {
			byte[] certificate = pemBody(pem, "CERTIFICATE");
			if (certificate != null) {
				return CertificateFactory.getInstance("X.509")
					.generateCertificate(new ByteArrayInputStream(certificate))
					.getPublicKey();
			}
			byte[] publicKey = pemBody(pem, "PUBLIC KEY");
			if (publicKey != null) {
				X509EncodedKeySpec spec = new X509EncodedKeySpec(publicKey);
				try {
					return KeyFactory.getInstance("RSA").generatePublic(spec);
				}
				catch (GeneralSecurityException ex) {
					return KeyFactory.getInstance("EC").generatePublic(spec);
				}
			}
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			throw new IllegalStateException("platform.grpc.security.jwt.public-key-location: "
					+ resource.getDescription() + " holds no valid RSA or EC public key", ex);
		}
		throw new IllegalStateException("platform.grpc.security.jwt.public-key-location: " + resource.getDescription()
				+ " holds no PEM 'PUBLIC KEY' or 'CERTIFICATE'");
	}

	private static byte[] pemBody(String pem, String type) {
		String begin = "-----BEGIN " + type + "-----";
		String end = "-----END " + type + "-----";
		int start = pem.indexOf(begin);
		if (start < 0) {
			return null;
		}
		int stop = pem.indexOf(end, start);
		if (stop < 0) {
			throw new IllegalArgumentException("PEM block without end");
		}
		return Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), stop));
	}

}
