package dev.grpcplatform.starter.security;

import java.util.Collection;
import java.util.List;

import dev.grpcplatform.starter.errors.GrpcError;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.util.Assert;

/**
 * Server interceptor that lets a call through only if its caller holds every scope the method
 * requires, from {@code platform.grpc.security.required-scopes} and {@link RequireScopes}.
 *
 * <p>A caller that lacks a scope gets {@code PERMISSION_DENIED}, with the required scopes in the
 * {@code ErrorInfo} metadata, before the handler starts: for streaming calls too, no message
 * reaches the handler. Scopes are the caller's {@code SCOPE_} authorities.
 */
public class GrpcAuthorizationInterceptor implements ServerInterceptor {

	private static final Log logger = LogFactory.getLog(GrpcAuthorizationInterceptor.class);

	private final GrpcMethodSecurity methodSecurity;

	private final String domain;

	/**
	 * Creates an interceptor.
	 * @param methodSecurity rules that say which scopes each method requires
	 * @param domain domain of the {@code ErrorInfo} of every error
	 */
	public GrpcAuthorizationInterceptor(GrpcMethodSecurity methodSecurity, String domain) {
		Assert.notNull(methodSecurity, "methodSecurity must not be null");
		Assert.hasText(domain, "domain must not be empty");
		this.methodSecurity = methodSecurity;
		this.domain = domain;
	}

	@Override
	public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
			ServerCallHandler<ReqT, RespT> next) {
		String fullMethodName = call.getMethodDescriptor().getFullMethodName();
		GrpcMethodSecurity.MethodRule rule = this.methodSecurity.rule(fullMethodName);
		if (rule.scopeAuthorities().isEmpty()) {
			return next.startCall(call, headers);
		}
		Authentication authentication = GrpcSecurity.currentAuthentication();
		GrpcError error;
		if (authentication == null) {
			// A public method that still requires scopes: only an authenticated caller can have them.
			error = GrpcError.builder(Status.Code.UNAUTHENTICATED, "Authentication required")
				.reason("CREDENTIALS_MISSING")
				.build();
		}
		else if (!holdsAll(authentication.getAuthorities(), rule.scopeAuthorities())) {
			if (logger.isDebugEnabled()) {
				logger.debug("gRPC call " + fullMethodName + " by " + authentication.getName()
						+ " rejected with PERMISSION_DENIED: requires scopes " + rule.scopes());
			}
			error = GrpcError.builder(Status.Code.PERMISSION_DENIED, "Permission denied")
				.reason("INSUFFICIENT_SCOPES")
				.metadata("requiredScopes", String.join(" ", rule.scopes()))
				.build();
		}
		else {
			return next.startCall(call, headers);
		}
		call.close(error.toStatus(), error.toTrailers(this.domain));
		return new ServerCall.Listener<>() {
		};
	}

	private static boolean holdsAll(Collection<? extends GrantedAuthority> granted, List<String> required) {
		for (String authority : required) {
			boolean held = false;
			for (GrantedAuthority grantedAuthority : granted) {
				if (authority.equals(grantedAuthority.getAuthority())) {
					held = true;
					break;
				}
			}
			if (!held) {
				return false;
			}
		}
		return true;
	}

}
