package dev.grpcplatform.starter.security;

import dev.grpcplatform.starter.errors.GrpcError;
import dev.grpcplatform.starter.errors.GrpcExceptionMapper;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;

/**
 * Maps Spring Security's exceptions thrown by handler code (for example by {@code @PreAuthorize}
 * with method security enabled) to {@code PERMISSION_DENIED} and {@code UNAUTHENTICATED}, with
 * fixed messages.
 *
 * <p>Takes over from net.devh's {@code ExceptionTranslatingServerInterceptor}, which is not
 * installed while platform security is enabled. User mappers are asked first.
 */
public class SecurityExceptionMapper implements GrpcExceptionMapper {

	@Override
	public @Nullable GrpcError map(Throwable exception) {
		if (exception instanceof AccessDeniedException) {
			return GrpcError.builder(Status.Code.PERMISSION_DENIED, "Permission denied").reason("ACCESS_DENIED").build();
		}
		if (exception instanceof AuthenticationException) {
			return GrpcError.builder(Status.Code.UNAUTHENTICATED, "Invalid credentials")
				.reason("CREDENTIALS_INVALID")
				.build();
		}
		return null;
	}

}
