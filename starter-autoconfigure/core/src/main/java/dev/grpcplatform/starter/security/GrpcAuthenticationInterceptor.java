package dev.grpcplatform.starter.security;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import dev.grpcplatform.starter.errors.GrpcError;
import dev.grpcplatform.starter.errors.GrpcErrorsProperties;
import dev.grpcplatform.starter.server.GrpcCallAttributes;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.util.Assert;

/**
 * Server interceptor that authenticates the caller of every call from its
 * {@code authorization: Bearer} token or, without one, from its TLS client certificate, and
 * refuses callers without valid credentials unless the method is public.
 *
 * <p>Missing or invalid credentials end the call with {@code UNAUTHENTICATED} before the handler
 * starts, with a message that does not say what was wrong (the reason is logged at debug level;
 * the token never is). A token that is presented must be valid, even for a public method. An
 * authenticated caller is available to the handler on every thread of the call through
 * {@link GrpcSecurity#currentAuthentication()} and Spring Security's
 * {@code SecurityContextHolder}.
 */
public class GrpcAuthenticationInterceptor implements ServerInterceptor {

	private static final Log logger = LogFactory.getLog(GrpcAuthenticationInterceptor.class);

	static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
			Metadata.ASCII_STRING_MARSHALLER);

	private static final String BEARER_PREFIX = "bearer ";

	private static final int MAX_REASON_LENGTH = 300;

	private final BearerTokenAuthenticator authenticator;

	private final GrpcMethodSecurity methodSecurity;

	private final String domain;

	/**
	 * Creates an interceptor.
	 * @param authenticator authenticator of bearer tokens, or {@code null} to refuse every token
	 * (when no key to verify them is configured)
	 * @param methodSecurity rules that say which methods are public
	 * @param domain domain of the {@code ErrorInfo} of every error
	 */
	public GrpcAuthenticationInterceptor(BearerTokenAuthenticator authenticator, GrpcMethodSecurity methodSecurity,
			String domain) {
		Assert.notNull(methodSecurity, "methodSecurity must not be null");
		Assert.hasText(domain, "domain must not be empty");
		this.authenticator = authenticator;
		this.methodSecurity = methodSecurity;
		this.domain = domain;
	}

	/**
	 * Creates the interceptor of the platform's configuration: bearer tokens verified with the given
	 * decoder, or, without one, every token refused (with a warning at startup that says how to
	 * configure a key).
	 * @param decoder decoder of bearer tokens, or {@code null} when no key is configured
	 * @param converter converter of validated tokens into authentications
	 * @param methodSecurity rules that say which methods are public
	 * @param properties the security settings
	 * @param errorsProperties the error settings (the {@code ErrorInfo} domain)
	 * @return the interceptor
	 */
	public static GrpcAuthenticationInterceptor create(@Nullable JwtDecoder decoder, JwtAuthenticationConverter converter,
			GrpcMethodSecurity methodSecurity, GrpcSecurityProperties properties, GrpcErrorsProperties errorsProperties) {
		BearerTokenAuthenticator authenticator = null;
		if (decoder != null) {
			authenticator = new BearerTokenAuthenticator(decoder, converter, properties.getJwt().getCacheSize());
		}
		else {
			logger.warn("No key to verify gRPC bearer tokens is configured (platform.grpc.security.jwt.secret, "
					+ "public-key-location or jwk-set-uri): every method that is not public answers UNAUTHENTICATED "
					+ "unless the caller presents a client certificate. Activate the 'dev' profile to use the "
					+ "built-in development secret.");
		}
		return new GrpcAuthenticationInterceptor(authenticator, methodSecurity, errorsProperties.determineDomain());
	}

	@Override
	public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
			ServerCallHandler<ReqT, RespT> next) {
		String fullMethodName = call.getMethodDescriptor().getFullMethodName();
		String authorization = headers.get(AUTHORIZATION);
		String token = null;
		Authentication authentication;
		if (authorization != null && (authorization.regionMatches(true, 0, BEARER_PREFIX, 0, BEARER_PREFIX.length())
				|| authorization.equalsIgnoreCase(BEARER_PREFIX.trim()))) {
			token = authorization.substring(Math.min(BEARER_PREFIX.length(), authorization.length()));
			authentication = authenticateBearer(token, fullMethodName, call);
			if (authentication == null) {
				return rejected();
			}
		}
		else {
			authentication = authenticateCertificate(call);
		}
		if (authentication == null) {
			if (this.methodSecurity.isPublic(fullMethodName)) {
				return next.startCall(call, headers);
			}
			if (logger.isDebugEnabled()) {
				logger.debug("gRPC call " + fullMethodName + " rejected with UNAUTHENTICATED: no bearer token"
						+ ((authorization != null) ? " (authorization header of another scheme)" : "")
						+ " and no client certificate");
			}
			close(call, GrpcError.builder(Status.Code.UNAUTHENTICATED, "Authentication required")
				.reason("CREDENTIALS_MISSING")
				.build());
			return rejected();
		}
		GrpcCallAttributes attributes = GrpcCallAttributes.current();
		if (attributes != null) {
			attributes.setPrincipal(authentication.getName());
		}
		Context context = GrpcSecurity.withCaller(Context.current(), authentication, token);
		return AuthenticatedServerCallListener.startCall(context, authentication, call, headers, next);
	}

	private Authentication authenticateBearer(String token, String fullMethodName, ServerCall<?, ?> call) {
		String reason;
		if (!isToken68(token)) {
			reason = "malformed bearer token";
		}
		else if (this.authenticator == null) {
			reason = "no key to verify bearer tokens is configured (platform.grpc.security.jwt.*)";
		}
		else {
			try {
				return this.authenticator.authenticate(token);
			}
			catch (BadJwtException ex) {
				reason = "invalid bearer token: " + describe(ex, token);
			}
			catch (JwtException ex) {
				// Not the caller's fault (the issuer's key set could not be fetched): let it retry.
				logger.warn("gRPC call " + fullMethodName + " rejected with UNAVAILABLE: bearer token could not be checked: "
						+ describe(ex, token));
				close(call, GrpcError.builder(Status.Code.UNAVAILABLE, "Authentication is temporarily unavailable")
					.reason("AUTHENTICATION_UNAVAILABLE")
					.build());
				return null;
			}
		}
		if (logger.isDebugEnabled()) {
			logger.debug("gRPC call " + fullMethodName + " rejected with UNAUTHENTICATED: " + reason);
		}
		close(call, GrpcError.builder(Status.Code.UNAUTHENTICATED, "Invalid credentials")
			.reason("CREDENTIALS_INVALID")
			.build());
		return null;
	}

	private static Authentication authenticateCertificate(ServerCall<?, ?> call) {
		SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
		if (session == null) {
			return null;
		}
		try {
			Certificate[] certificates = session.getPeerCertificates();
			if (certificates.length > 0 && certificates[0] instanceof X509Certificate certificate) {
				return new X509CertificateAuthentication(certificate);
			}
		}
		catch (SSLPeerUnverifiedException ex) {
			// The client presented no certificate.
		}
		return null;
	}

	private void close(ServerCall<?, ?> call, GrpcError error) {
		call.close(error.toStatus(), error.toTrailers(this.domain));
	}

	private static <ReqT> ServerCall.Listener<ReqT> rejected() {
		return new ServerCall.Listener<>() {
		};
	}

	/**
	 * Whether the credentials have the syntax of RFC 6750's b64token.
	 */
	private static boolean isToken68(String token) {
		int length = token.length();
		int end = length;
		while (end > 0 && token.charAt(end - 1) == '=') {
			end--;
		}
		if (end == 0) {
			return false;
		}
		for (int i = 0; i < end; i++) {
			char c = token.charAt(i);
			boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
			if (!allowed) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Describes why a token failed, for the log, without any part of the token.
	 */
	static String describe(JwtException ex, String token) {
		String description = (ex instanceof JwtValidationException validation && !validation.getErrors().isEmpty())
				? validation.getErrors()
					.stream()
					.map((error) -> error.getDescription())
					.reduce((a, b) -> a + "; " + b)
					.orElse("")
				: String.valueOf(ex.getMessage());
		description = description.replace(token, "[token]");
		for (String part : token.split("\\.")) {
			if (part.length() >= 4) {
				description = description.replace(part, "[token]");
			}
		}
		return (description.length() > MAX_REASON_LENGTH) ? description.substring(0, MAX_REASON_LENGTH) + "..."
				: description;
	}

}
