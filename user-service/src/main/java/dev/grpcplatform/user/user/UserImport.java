package dev.grpcplatform.user.user;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import build.buf.protovalidate.ValidationResult;
import build.buf.protovalidate.Validator;
import build.buf.protovalidate.Violation;
import build.buf.protovalidate.exceptions.ValidationException;
import dev.grpcplatform.proto.user.v1.ImportFailure;
import dev.grpcplatform.proto.user.v1.ImportUsersRequest;
import dev.grpcplatform.proto.user.v1.ImportUsersResponse;
import dev.grpcplatform.starter.validation.FieldPaths;
import io.grpc.stub.StreamObserver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One ImportUsers stream: validates each item, stores valid ones in batches, and answers with a
 * summary once the client half-closes.
 *
 * <p>Items are handled in windows of {@value #BATCH_SIZE} consecutive items: the valid ones of a
 * window are stored as one batch, and the failures of the window (invalid items, duplicates found
 * by the database) are listed in stream order. Memory is bounded by one window and the listed
 * failures, whatever the length of the stream: a full window is stored inside {@link #onNext}, and
 * grpc-java asks the client for the next message only when {@code onNext} returns, so a client
 * cannot send faster than the database stores. Each batch is its own transaction; a stream that
 * fails or is cancelled keeps the batches stored before and drops the window being filled.
 */
final class UserImport implements StreamObserver<ImportUsersRequest> {

	static final int BATCH_SIZE = 500;

	static final int MAX_LISTED_FAILURES = 1000;

	private static final Log logger = LogFactory.getLog(UserImport.class);

	private final UserRepository repository;

	private final Validator validator;

	private final StreamObserver<ImportUsersResponse> responses;

	private final List<StoredUser> batch = new ArrayList<>(BATCH_SIZE);

	private final List<Long> batchIndexes = new ArrayList<>(BATCH_SIZE);

	private final List<ImportFailure> windowFailures = new ArrayList<>();

	private final List<ImportFailure> failures = new ArrayList<>();

	private int windowSize;

	private long received;

	private long created;

	private long failed;

	UserImport(UserRepository repository, Validator validator, StreamObserver<ImportUsersResponse> responses) {
		this.repository = repository;
		this.validator = validator;
		this.responses = responses;
	}

	@Override
	public void onNext(ImportUsersRequest item) {
		long index = this.received++;
		accept(index, item);
		if (++this.windowSize == BATCH_SIZE) {
			storeWindow();
		}
	}

	private void accept(long index, ImportUsersRequest item) {
		if (!item.hasUser()) {
			fail(index, "", "user is required");
			return;
		}
		Violation violation = firstViolation(item);
		if (violation != null) {
			build.buf.validate.Violation proto = violation.toProto();
			String field = proto.hasField() ? FieldPaths.format(proto.getField()) : "";
			fail(index, field, proto.getMessage().isEmpty() ? "violates rule " + proto.getRuleId() : proto.getMessage());
			return;
		}
		this.batch.add(UserMessages.toNewUser(item.getUser()));
		this.batchIndexes.add(index);
	}

	private Violation firstViolation(ImportUsersRequest item) {
		ValidationResult result;
		try {
			result = this.validator.validate(item.getUser());
		}
		catch (ValidationException ex) {
			throw new IllegalStateException("Could not validate an imported user", ex);
		}
		return result.isSuccess() ? null : result.getViolations().get(0);
	}

	private void storeWindow() {
		List<UserInserts.InsertOutcome> outcomes = this.repository.insertAll(this.batch);
		for (int i = 0; i < outcomes.size(); i++) {
			switch (outcomes.get(i)) {
				case CREATED -> this.created++;
				case DUPLICATE_EMAIL -> fail(this.batchIndexes.get(i), "email", "email already exists");
				case REJECTED -> fail(this.batchIndexes.get(i), "", "rejected by the database (constraint violation)");
			}
		}
		this.windowFailures.sort(Comparator.comparingLong(ImportFailure::getIndex));
		for (ImportFailure failure : this.windowFailures) {
			this.failed++;
			if (this.failures.size() < MAX_LISTED_FAILURES) {
				this.failures.add(failure);
			}
		}
		clearWindow();
	}

	private void fail(long index, String field, String reason) {
		this.windowFailures.add(ImportFailure.newBuilder().setIndex(index).setField(field).setReason(reason).build());
	}

	private void clearWindow() {
		this.batch.clear();
		this.batchIndexes.clear();
		this.windowFailures.clear();
		this.windowSize = 0;
	}

	@Override
	public void onError(Throwable cause) {
		// Cancelled by the client or ended by the platform: nobody is left to read a summary.
		clearWindow();
		if (logger.isDebugEnabled()) {
			logger.debug("Import ended early after " + this.received + " items, " + this.created + " users stored: "
					+ cause);
		}
	}

	@Override
	public void onCompleted() {
		storeWindow();
		this.responses.onNext(ImportUsersResponse.newBuilder()
			.setCreatedCount(this.created)
			.setFailedCount(this.failed)
			.addAllFailures(this.failures)
			.build());
		this.responses.onCompleted();
	}

}
