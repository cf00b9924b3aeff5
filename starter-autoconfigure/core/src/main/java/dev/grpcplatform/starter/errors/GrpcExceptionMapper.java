package dev.grpcplatform.starter.errors;

import org.jspecify.annotations.Nullable;

/**
 * Maps an exception thrown by a gRPC handler to the {@link GrpcError} the call ends with.
 *
 * <p>Every bean of this type is asked, in {@link org.springframework.core.annotation.Order @Order}
 * order, before the platform's built-in mappings; the first non-{@code null} answer wins. Wrapper
 * exceptions ({@code CompletionException}, {@code ExecutionException},
 * {@code InvocationTargetException}, {@code UndeclaredThrowableException}) are unwrapped before the
 * mappers see the exception. {@code StatusException} and {@code StatusRuntimeException} never reach
 * a mapper: their status is sent as it is.
 */
@FunctionalInterface
public interface GrpcExceptionMapper {

	/**
	 * Maps the given exception.
	 * @param exception exception raised by a handler
	 * @return the error to end the call with, or {@code null} to leave the exception to the next
	 * mapper
	 */
	@Nullable GrpcError map(Throwable exception);

}
