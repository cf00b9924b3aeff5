package dev.grpcplatform.starter.errors;

import java.sql.SQLException;

import io.grpc.Status;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

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
public final class DataAccessExceptionMapper {

	static final String UNAVAILABLE_MESSAGE = "database unavailable; retry later";

	/**
	 * Maps a data access exception to the error the caller gets.
	 * @param exception the exception thrown by the handler
	 * @return the error, or {@code null} when this mapper has none for the exception
	 */
	public @Nullable GrpcError map(Throwable exception) {
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
		// A transactional method whose database is down fails before any data access exception:
		// the transaction cannot begin, or its rollback fails on a broken connection.
		if (exception instanceof CannotCreateTransactionException
				|| (exception instanceof TransactionSystemException failure && isConnectionFailure(failure))) {
			return GrpcError.of(Status.Code.UNAVAILABLE, UNAVAILABLE_MESSAGE);
		}
		return null;
	}

	private static boolean isConnectionFailure(TransactionSystemException failure) {
		Throwable application = failure.getApplicationException();
		if (application instanceof DataAccessResourceFailureException
				|| application instanceof TransientDataAccessException) {
			return true;
		}
		// SQLSTATE class 08: connection exception (the connection is closed or broken). A commit or
		// rollback that fails with no SQLSTATE at all failed below SQL, in the driver or the pool: the
		// connection pool's stand-in for a connection it already closed, for one.
		for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && (sql.getSQLState() == null || sql.getSQLState().startsWith("08"))) {
				return true;
			}
		}
		return false;
	}

}
