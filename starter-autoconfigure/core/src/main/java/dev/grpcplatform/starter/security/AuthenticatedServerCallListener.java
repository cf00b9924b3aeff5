package dev.grpcplatform.starter.security;

import java.util.function.Supplier;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;

/**
 * Listener that runs every callback of an authenticated call, and the start of its handler, with
 * the call's gRPC {@link Context} attached and the caller in Spring Security's
 * {@link SecurityContextHolder}; afterwards the thread gets back what it held before.
 *
 * @param <ReqT> type of request messages
 */
final class AuthenticatedServerCallListener<ReqT> extends ServerCall.Listener<ReqT> {

	private final ServerCall.Listener<ReqT> delegate;

	private final Context context;

	// The caller's security context as the holder keeps it (a supplier), made once per call so that
	// entering a callback allocates nothing.
	private final Supplier<SecurityContext> securityContext;

	private AuthenticatedServerCallListener(ServerCall.Listener<ReqT> delegate, Context context,
			Supplier<SecurityContext> securityContext) {
		this.delegate = delegate;
		this.context = context;
		this.securityContext = securityContext;
	}

	static <ReqT, RespT> ServerCall.Listener<ReqT> startCall(Context context, Authentication authentication,
			ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
		SecurityContextHolderStrategy strategy = SecurityContextHolder.getContextHolderStrategy();
		SecurityContext callerContext = strategy.createEmptyContext();
		callerContext.setAuthentication(authentication);
		Supplier<SecurityContext> securityContext = () -> callerContext;
		Context previous = context.attach();
		SecurityContext previousSecurityContext = enter(securityContext);
		ServerCall.Listener<ReqT> listener;
		try {
			// Streaming handlers run here, when they create their request observer.
			listener = next.startCall(call, headers);
		}
		finally {
			exit(previousSecurityContext);
			context.detach(previous);
		}
		return new AuthenticatedServerCallListener<>(listener, context, securityContext);
	}

	@Override
	public void onMessage(ReqT message) {
		Context previous = this.context.attach();
		SecurityContext previousSecurityContext = enter(this.securityContext);
		try {
			this.delegate.onMessage(message);
		}
		finally {
			exit(previousSecurityContext);
			this.context.detach(previous);
		}
	}

	@Override
	public void onHalfClose() {
		Context previous = this.context.attach();
		SecurityContext previousSecurityContext = enter(this.securityContext);
		try {
			this.delegate.onHalfClose();
		}
		finally {
			exit(previousSecurityContext);
			this.context.detach(previous);
		}
	}

	@Override
	public void onCancel() {
		Context previous = this.context.attach();
		SecurityContext previousSecurityContext = enter(this.securityContext);
		try {
			this.delegate.onCancel();
		}
		finally {
			exit(previousSecurityContext);
			this.context.detach(previous);
		}
	}

	@Override
	public void onComplete() {
		Context previous = this.context.attach();
		SecurityContext previousSecurityContext = enter(this.securityContext);
		try {
			this.delegate.onComplete();
		}
		finally {
			exit(previousSecurityContext);
			this.context.detach(previous);
		}
	}

	@Override
	public void onReady() {
		Context previous = this.context.attach();
		SecurityContext previousSecurityContext = enter(this.securityContext);
		try {
			this.delegate.onReady();
		}
		finally {
			exit(previousSecurityContext);
			this.context.detach(previous);
		}
	}

	private static SecurityContext enter(Supplier<SecurityContext> securityContext) {
		SecurityContextHolderStrategy strategy = SecurityContextHolder.getContextHolderStrategy();
		SecurityContext previous = strategy.getContext();
		strategy.setDeferredContext(securityContext);
		return previous;
	}

	private static void exit(SecurityContext previous) {
		// Pooled handler threads must not keep a caller for the next call they serve: they get back
		// the context they held before (on a pooled thread, the same empty one each time). Not the
		// previous supplier: the holder wraps every supplier it is given, so restoring one would chain
		// a wrapper per callback on each thread (memory held for good, and a recursion as deep as
		// the thread's callbacks for the next getContext() outside a call).
		SecurityContextHolder.getContextHolderStrategy().setContext(previous);
	}

}
