package dev.grpcplatform.starter.server;

import io.grpc.Context;
import org.jspecify.annotations.Nullable;

/**
 * Facts about the current call that one platform interceptor learns and another reports: the
 * caller's principal (known after authentication, reported by the access log and traces) and the
 * request id.
 *
 * <p>The outermost platform interceptor puts an instance into the gRPC {@link Context} of the call;
 * interceptors further in find it with {@link #current()}. Fields are written once, on the call's
 * serialized executor, and read when the call ends.
 */
public final class GrpcCallAttributes {

	/**
	 * Key of the attributes in the gRPC context of a call.
	 */
	public static final Context.Key<GrpcCallAttributes> KEY = Context.key("grpc-platform-call-attributes");

	private volatile @Nullable String principal;

	private volatile @Nullable String requestId;

	/**
	 * Returns the attributes of the call running on this thread.
	 * @return the attributes, or {@code null} outside a call or when no platform interceptor
	 * created them
	 */
	public static @Nullable GrpcCallAttributes current() {
		return KEY.get();
	}

	/**
	 * Returns the name of the authenticated caller.
	 * @return the principal name, or {@code null} while unknown
	 */
	public @Nullable String getPrincipal() {
		return this.principal;
	}

	/**
	 * Sets the name of the authenticated caller.
	 * @param principal the principal name
	 */
	public void setPrincipal(String principal) {
		this.principal = principal;
	}

	/**
	 * Returns the id of the request, from the caller's {@code x-request-id} or generated.
	 * @return the request id, or {@code null} while unknown
	 */
	public @Nullable String getRequestId() {
		return this.requestId;
	}

	/**
	 * Sets the id of the request.
	 * @param requestId the request id
	 */
	public void setRequestId(String requestId) {
		this.requestId = requestId;
	}

}
