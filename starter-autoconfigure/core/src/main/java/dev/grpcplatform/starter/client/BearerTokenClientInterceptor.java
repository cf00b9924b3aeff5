package dev.grpcplatform.starter.client;

import java.util.function.Supplier;

import dev.grpcplatform.starter.security.GrpcSecurity;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

import org.springframework.util.Assert;

/**
 * Client interceptor that sends a bearer token in the {@code authorization} header of every call,
 * unless the call carries one already.
 */
public final class BearerTokenClientInterceptor implements ClientInterceptor {

	private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
			Metadata.ASCII_STRING_MARSHALLER);

	private final Supplier<String> tokens;

	private BearerTokenClientInterceptor(Supplier<String> tokens) {
		this.tokens = tokens;
	}

	/**
	 * Returns an interceptor that forwards the bearer token of the caller of the gRPC call that
	 * the calling thread serves ({@link GrpcSecurity#currentBearerToken()}); calls made outside a
	 * call, or for a caller without a token, carry none.
	 * @return the interceptor
	 */
	public static BearerTokenClientInterceptor forwarding() {
		return new BearerTokenClientInterceptor(GrpcSecurity::currentBearerToken);
	}

	/**
	 * Returns an interceptor that sends the given token with every call.
	 * @param token the token, without the {@code Bearer} prefix
	 * @return the interceptor
	 */
	public static BearerTokenClientInterceptor of(String token) {
		Assert.hasText(token, "token must not be empty");
		return new BearerTokenClientInterceptor(() -> token);
	}

	@Override
	public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
			CallOptions callOptions, Channel next) {
		// Read on the thread that starts the call, where the served call's context is attached.
		String token = this.tokens.get();
		ClientCall<ReqT, RespT> call = next.newCall(method, callOptions);
		if (token == null) {
			return call;
		}
		return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {

			@Override
			public void start(Listener<RespT> responseListener, Metadata headers) {
				if (!headers.containsKey(AUTHORIZATION)) {
					headers.put(AUTHORIZATION, "Bearer " + token);
				}
				super.start(responseListener, headers);
			}

		};
	}

	@Override
	public String toString() {
		// Never the token.
		return "BearerTokenClientInterceptor";
	}

}
