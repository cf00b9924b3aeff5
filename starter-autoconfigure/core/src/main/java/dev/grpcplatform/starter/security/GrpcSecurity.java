package dev.grpcplatform.starter.security;

import io.grpc.Context;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;

/**
 * Access to the authenticated caller of the gRPC call that the current thread serves.
 *
 * <p>The platform's authentication interceptor puts the caller into the call's gRPC
 * {@link Context}, which grpc-java attaches on every thread that runs a callback of the call
 * (unary handlers and every streaming callback). Spring Security's {@code SecurityContextHolder}
 * holds the same {@link Authentication} during those callbacks. Work handed to other threads keeps
 * the caller when it is wrapped with {@code Context.current().wrap(...)} or run on
 * {@code Context.currentContextExecutor(executor)}.
 */
public final class GrpcSecurity {

	static final Context.Key<Authentication> AUTHENTICATION_KEY = Context.key("grpc-platform-authentication");

	static final Context.Key<String> BEARER_TOKEN_KEY = Context.key("grpc-platform-bearer-token");

	private GrpcSecurity() {
	}

	/**
	 * Returns the authenticated caller of the current call.
	 * @return the caller's authentication (a {@code JwtAuthenticationToken} for bearer tokens, an
	 * {@link X509CertificateAuthentication} for client certificates), or {@code null} outside a
	 * call or for an anonymous caller of a public method
	 */
	public static @Nullable Authentication currentAuthentication() {
		return AUTHENTICATION_KEY.get();
	}

	/**
	 * Returns the bearer token the caller of the current call presented, to forward it to
	 * downstream services.
	 * @return the token (without the {@code Bearer} prefix), or {@code null} if the caller did not
	 * authenticate with a bearer token
	 */
	public static @Nullable String currentBearerToken() {
		return BEARER_TOKEN_KEY.get();
	}

	/**
	 * Returns a copy of the given context in which the given caller is the authenticated one, for
	 * tests of code that reads {@link #currentAuthentication()}.
	 * @param context context to extend
	 * @param authentication the caller
	 * @param bearerToken the caller's bearer token, or {@code null}
	 * @return the new context
	 */
	public static Context withCaller(Context context, Authentication authentication, @Nullable String bearerToken) {
		// One context for both values (every authenticated call makes one).
		if (bearerToken == null) {
			return context.withValue(AUTHENTICATION_KEY, authentication);
		}
		return context.withValues(AUTHENTICATION_KEY, authentication, BEARER_TOKEN_KEY, bearerToken);
	}

}
