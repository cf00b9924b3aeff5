package dev.grpcplatform.starter.errors;

import io.grpc.Status;

import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.lang.Nullable;

/**
 * Built-in mapping of Spring's {@code DataAccessException} hierarchy, used when spring-tx is
 * present.
 *
 * <p>The messages are fixed: a data access exception's own message names tables, constraints and
 * often holds SQL, none of which the caller may see. Other data access exceptions are left to the
 * internal-error fallback.
 *
 * <p>Not a {@link GrpcExceptionMapper} bean on purpose: the user's mappers are always asked first.
 */
final class DataAccessExceptionMapper {

	static final String UNAVAILABLE_MESSAGE = "database unavailable; retry later";

	@Nullable
	GrpcError map(Throwable exception) {
		if (exception instanceof DuplicateKeyException) {
			return GrpcError.of(Status.Code.ALREADY_EXISTS, "resource already exists");
		}
		if (exception instanceof DataIntegrityViolationException) {
			return GrpcError.of(Status.Code.FAILED_PRECONDITION, "request conflicts with stored data");
		}
		if (exception instanceof EmptyResultDataAccessException) {
			return GrpcError.of(Status.Code.NOT_FOUND, "resource not found");
		}
		// Optimistic and pessimistic locking failures: the whole operation may be retried.
		if (exception instanceof ConcurrencyFailureException) {
			return GrpcError.of(Status.Code.ABORTED, "concurrent modification; retry the operation");
		}
		// Connection failures, query timeouts and other transient failures.
		if (exception instanceof DataAccessResourceFailureException || exception instanceof TransientDataAccessException) {
			return GrpcError.of(Status.Code.UNAVAILABLE, UNAVAILABLE_MESSAGE);
		}
		return null;
	}

}
