package dev.grpcplatform.starter.errors;

import java.lang.reflect.UndeclaredThrowableException;
import java.util.List;
import java.util.concurrent.ExecutionException;

import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.dao.InvalidDataAccessResourceUsageException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcExceptionTranslator} with the built-in mappers.
 */
@ExtendWith(OutputCaptureExtension.class)
class GrpcExceptionTranslatorTests {

	private static final String SQL = "insert into users (email) values ('a@example.com')";

	private final GrpcExceptionTranslator translator = translator();

	private static GrpcExceptionTranslator translator(GrpcExceptionMapper... userMappers) {
		DataAccessExceptionMapper dataAccess = new DataAccessExceptionMapper();
		List<GrpcExceptionMapper> mappers = new java.util.ArrayList<>(List.of(userMappers));
		mappers.add(dataAccess::map);
		mappers.add(new StandardExceptionMapper());
		return new GrpcExceptionTranslator("users", mappers);
	}

	@Test
	void emptyResultIsNotFoundWithoutSql() {
		assertMapped(new EmptyResultDataAccessException(SQL, 1), Status.Code.NOT_FOUND, "resource not found");
	}

	@Test
	void integrityViolationIsFailedPreconditionWithoutSql() {
		assertMapped(new DataIntegrityViolationException(SQL), Status.Code.FAILED_PRECONDITION,
				"request conflicts with stored data");
	}

	@Test
	void lockingFailuresAreAborted() {
		assertMapped(new OptimisticLockingFailureException(SQL), Status.Code.ABORTED,
				"concurrent modification; retry the operation");
		assertMapped(new PessimisticLockingFailureException(SQL), Status.Code.ABORTED,
				"concurrent modification; retry the operation");
		assertMapped(new CannotAcquireLockException(SQL), Status.Code.ABORTED,
				"concurrent modification; retry the operation");
	}

	@Test
	void timeoutsAndTransientResourceFailuresAreUnavailable() {
		assertMapped(new QueryTimeoutException(SQL), Status.Code.UNAVAILABLE, "database unavailable; retry later");
		assertMapped(new TransientDataAccessResourceException(SQL), Status.Code.UNAVAILABLE,
				"database unavailable; retry later");
	}

	@Test
	void transactionsThatCannotReachTheDatabaseAreUnavailable() {
		assertMapped(new org.springframework.transaction.CannotCreateTransactionException("Could not open JDBC Connection"),
				Status.Code.UNAVAILABLE, "database unavailable; retry later");
		assertMapped(new org.springframework.transaction.TransactionSystemException("JDBC rollback failed",
				new java.sql.SQLException("An I/O error occurred while sending to the backend.", "08006")),
				Status.Code.UNAVAILABLE, "database unavailable; retry later");
		// HikariCP's stand-in for a connection it closed after the database went away has no SQLSTATE.
		assertMapped(new org.springframework.transaction.TransactionSystemException("JDBC rollback failed",
				new java.sql.SQLException("Connection is closed")), Status.Code.UNAVAILABLE,
				"database unavailable; retry later");
	}

	@Test
	void transactionFailuresOfStoredDataAreNotUnavailable() {
		Metadata trailers = new Metadata();
		Status status = this.translator.translate(new org.springframework.transaction.TransactionSystemException(
				"JDBC commit failed", new java.sql.SQLException("deferred constraint violated", "23505")), "m", trailers);
		assertThat(status.getCode()).isNotEqualTo(Status.Code.UNAVAILABLE);
	}

	@Test
	void otherTransactionFailuresAreInternal() {
		Metadata trailers = new Metadata();
		Status status = this.translator.translate(
				new org.springframework.transaction.TransactionSystemException("commit failed: " + SQL), "m", trailers);
		assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
		assertThat(status.getDescription()).doesNotContain("insert");
	}

	@Test
	void otherDataAccessExceptionsAreInternal() {
		Metadata trailers = new Metadata();
		Status status = this.translator.translate(new InvalidDataAccessResourceUsageException(SQL), "m", trailers);
		assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
		assertThat(status.getDescription()).startsWith("Internal error (error id: ").doesNotContain("insert");
	}

	@Test
	void wrappersAreUnwrapped() {
		assertMapped(new UndeclaredThrowableException(new ExecutionException(new IllegalArgumentException("bad"))),
				Status.Code.INVALID_ARGUMENT, "bad");
	}

	@Test
	void statusExceptionKeepsItsStatusAndTrailers() {
		Metadata exceptionTrailers = new Metadata();
		Metadata.Key<String> key = Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);
		exceptionTrailers.put(key, "5");
		Metadata trailers = new Metadata();
		Status status = this.translator.translate(
				new StatusException(Status.RESOURCE_EXHAUSTED.withDescription("slow down"), exceptionTrailers), "m",
				trailers);
		assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
		assertThat(status.getDescription()).isEqualTo("slow down");
		assertThat(trailers.get(key)).isEqualTo("5");
		assertThat(trailers.containsKey(GrpcError.STATUS_DETAILS_KEY)).isFalse();
	}

	@Test
	void grpcErrorExceptionWinsOverUserMappers() {
		GrpcExceptionTranslator translator = translator((exception) -> GrpcError.of(Status.Code.ABORTED, "mapper"));
		Status status = translator.translate(GrpcError.of(Status.Code.NOT_FOUND, "user 7 not found").asException(),
				"m", new Metadata());
		assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
	}

	@Test
	void userMappedServerErrorGetsAnErrorIdThatIsLogged(CapturedOutput output) {
		GrpcExceptionTranslator translator = translator(
				(exception) -> GrpcError.builder(Status.Code.DATA_LOSS, "ledger damaged").reason("LEDGER_DAMAGED").build());
		Metadata trailers = new Metadata();
		Status status = translator.translate(new IllegalStateException("checksum"), "ledger.Svc/Get", trailers);
		assertThat(status.getCode()).isEqualTo(Status.Code.DATA_LOSS);
		ErrorInfo errorInfo = errorInfo(trailers);
		assertThat(errorInfo.getReason()).isEqualTo("LEDGER_DAMAGED");
		assertThat(output).contains("ERROR").contains("(error id: " + errorInfo.getMetadataMap().get("errorId") + ")");
	}

	@Test
	void brokenUserMapperGivesInternalAndIsLogged(CapturedOutput output) {
		GrpcExceptionTranslator translator = translator((exception) -> {
			throw new IllegalStateException("mapper bug");
		});
		Status status = translator.translate(new IllegalArgumentException("bad"), "m", new Metadata());
		assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
		assertThat(output).contains("mapper bug");
	}

	@Test
	void detailsReplaceAnyDetailsAlreadyInTheTrailers() {
		Metadata trailers = new Metadata();
		trailers.put(GrpcError.STATUS_DETAILS_KEY, GrpcError.of(Status.Code.ABORTED, "stale").toStatusProto("x"));
		Status status = this.translator.translate(new IllegalArgumentException("bad"), "m", trailers);
		assertThat(trailers.getAll(GrpcError.STATUS_DETAILS_KEY)).hasSize(1);
		assertThat(trailers.get(GrpcError.STATUS_DETAILS_KEY).getCode()).isEqualTo(status.getCode().value());
	}

	private void assertMapped(Throwable exception, Status.Code code, String description) {
		Metadata trailers = new Metadata();
		Status status = this.translator.translate(exception, "users.UserService/Create", trailers);
		assertThat(status.getCode()).isEqualTo(code);
		assertThat(status.getDescription()).isEqualTo(description);
		ErrorInfo errorInfo = errorInfo(trailers);
		assertThat(errorInfo.getReason()).isEqualTo(code.name());
		assertThat(errorInfo.getDomain()).isEqualTo("users");
		assertThat(trailers.get(GrpcError.STATUS_DETAILS_KEY).toString()).doesNotContain("insert into");
	}

	private static ErrorInfo errorInfo(Metadata trailers) {
		try {
			com.google.rpc.Status status = trailers.get(GrpcError.STATUS_DETAILS_KEY);
			assertThat(status).isNotNull();
			return status.getDetails(0).unpack(ErrorInfo.class);
		}
		catch (com.google.protobuf.InvalidProtocolBufferException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
