package dev.grpcplatform.starter.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares the scopes a caller needs for a gRPC method, on the method of a {@code @GrpcService}
 * implementation, or on the class for all its methods.
 *
 * <p>The caller needs every listed scope, in addition to those that
 * {@code platform.grpc.security.required-scopes} asks for; a caller without them gets
 * {@code PERMISSION_DENIED} before the handler sees a message. The platform reads the annotations
 * once when the application starts.
 * <pre class="code">
 * &#064;Override
 * &#064;RequireScopes("users:read")
 * public void getUser(GetUserRequest request, StreamObserver&lt;User&gt; responses) {
 *     ...
 * }
 * </pre>
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface RequireScopes {

	/**
	 * Scopes the caller needs, all of them.
	 * @return the scopes
	 */
	String[] value();

}
