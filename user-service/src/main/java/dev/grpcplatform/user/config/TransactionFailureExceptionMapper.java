package dev.grpcplatform.user.config;

import java.sql.SQLException;

import dev.grpcplatform.starter.errors.GrpcError;
import dev.grpcplatform.starter.errors.GrpcExceptionMapper;
import io.grpc.Status;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Maps the transaction failures of a database that cannot be reached to {@code UNAVAILABLE}, as
 * the platform maps Spring's data access failures.
 *
 * <p>Needed because Spring reports them outside the {@code DataAccessException} hierarchy: a
 * transaction that cannot get a connection fails with {@link CannotCreateTransactionException},
 * and a rollback on a connection that broke mid-call replaces the original
 * {@code DataAccessResourceFailureException} with a {@link TransactionSystemException}. Without
 * this mapping clients would see {@code INTERNAL} for what is an outage worth retrying.
 */
@Component
class TransactionFailureExceptionMapper implements GrpcExceptionMapper {

	static final String MESSAGE = "database unavailable; retry later";

	@Override
	@Nullable
	public GrpcError map(Throwable exception) {
		if (exception instanceof CannotCreateTransactionException
				|| (exception instanceof TransactionSystemException failure && isConnectionFailure(failure))) {
			return GrpcError.of(Status.Code.UNAVAILABLE, MESSAGE);
		}
		return null;
	}

	private static boolean isConnectionFailure(TransactionSystemException failure) {
		Throwable application = failure.getApplicationException();
		if (application instanceof DataAccessResourceFailureException
				|| application instanceof TransientDataAccessException) {
			return true;
		}
		// SQLSTATE class 08: connection exception (the connection is closed or broken).
		for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
				return true;
			}
		}
		return false;
	}

}
