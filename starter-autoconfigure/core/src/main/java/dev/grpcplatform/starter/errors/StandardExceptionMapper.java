package dev.grpcplatform.starter.errors;

import java.util.NoSuchElementException;

import io.grpc.Status;
import org.jspecify.annotations.Nullable;

/**
 * Built-in mapping of the JDK exceptions whose meaning for the caller is clear.
 */
public final class StandardExceptionMapper implements GrpcExceptionMapper {

	@Override
	public @Nullable GrpcError map(Throwable exception) {
		if (exception instanceof IllegalArgumentException) {
			return GrpcError.of(Status.Code.INVALID_ARGUMENT, messageOr(exception, "invalid argument"));
		}
		if (exception instanceof NoSuchElementException) {
			return GrpcError.of(Status.Code.NOT_FOUND, messageOr(exception, "not found"));
		}
		if (exception instanceof UnsupportedOperationException) {
			return GrpcError.of(Status.Code.UNIMPLEMENTED, messageOr(exception, "operation not supported"));
		}
		return null;
	}

	private static String messageOr(Throwable exception, String fallback) {
		String message = exception.getMessage();
		return (message != null && !message.isBlank()) ? message : fallback;
	}

}
