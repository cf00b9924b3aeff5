package dev.grpcplatform.user.user;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link UserInserts} with plain JDBC: {@code INSERT ... RETURNING} for one user, a JDBC batch of
 * {@code INSERT ... ON CONFLICT DO NOTHING} for many.
 */
class UserInsertsImpl implements UserInserts {

	private static final String INSERT = "INSERT INTO users (name, email, status, roles, phone, metadata) "
			+ "VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb))";

	// Only a stored key is no error: a duplicate email with another key still is (ALREADY_EXISTS).
	private static final String INSERT_WITH_KEY = "INSERT INTO users (name, email, status, roles, phone, metadata, "
			+ "idempotency_key, request_fingerprint) VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?) "
			+ "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, created_at";

	// No conflict target: covers the case-insensitive email index, the only unique one besides the id.
	private static final String INSERT_UNLESS_DUPLICATE = INSERT + " ON CONFLICT DO NOTHING";

	private final JdbcTemplate jdbcTemplate;

	private final TransactionTemplate transaction;

	private final TransactionTemplate savepoint;

	UserInsertsImpl(JdbcTemplate jdbcTemplate, PlatformTransactionManager transactionManager) {
		this.jdbcTemplate = jdbcTemplate;
		this.transaction = new TransactionTemplate(transactionManager);
		this.savepoint = new TransactionTemplate(transactionManager);
		this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
	}

	@Override
	public StoredUser insert(StoredUser user) {
		return this.jdbcTemplate.query((connection) -> {
			PreparedStatement statement = connection.prepareStatement(INSERT + " RETURNING id, created_at");
			setParameters(statement, user);
			return statement;
		}, (resultSet) -> {
			resultSet.next();
			Timestamp createdAt = resultSet.getTimestamp(2);
			return user.stored(resultSet.getLong(1), createdAt.toInstant());
		});
	}

	@Override
	public Optional<StoredUser> insertUnlessKeyStored(StoredUser user, String idempotencyKey, byte[] requestFingerprint) {
		List<StoredUser> inserted = this.jdbcTemplate.query((connection) -> {
			PreparedStatement statement = connection.prepareStatement(INSERT_WITH_KEY);
			setParameters(statement, user);
			statement.setString(7, idempotencyKey);
			statement.setBytes(8, requestFingerprint);
			return statement;
		}, (resultSet, row) -> user.stored(resultSet.getLong(1), resultSet.getTimestamp(2).toInstant()));
		return inserted.stream().findFirst();
	}

	@Override
	public Optional<byte[]> findRequestFingerprint(String idempotencyKey) {
		return this.jdbcTemplate
			.query("SELECT request_fingerprint FROM users WHERE idempotency_key = ?",
					(resultSet, row) -> resultSet.getBytes(1), idempotencyKey)
			.stream()
			.findFirst();
	}

	@Override
	public List<InsertOutcome> insertAll(List<StoredUser> users) {
		if (users.isEmpty()) {
			return List.of();
		}
		try {
			return this.transaction.execute((status) -> insertBatch(users));
		}
		catch (DataIntegrityViolationException ex) {
			// One row broke a constraint other than the email index, and PostgreSQL aborted the
			// transaction: store the batch again row by row, each behind a savepoint, to keep the
			// others. Rare (the service validates every row first), so the slower path is fine.
			return this.transaction.execute((status) -> insertOneByOne(users));
		}
	}

	private List<InsertOutcome> insertBatch(List<StoredUser> users) {
		// One round trip per batch. Each count is 1 or 0 (ON CONFLICT DO NOTHING) because the
		// driver's reWriteBatchedInserts is off; rewriting would report SUCCESS_NO_INFO instead.
		int[] counts = this.jdbcTemplate.batchUpdate(INSERT_UNLESS_DUPLICATE, new BatchPreparedStatementSetter() {

			@Override
			public void setValues(PreparedStatement statement, int i) throws SQLException {
				setParameters(statement, users.get(i));
			}

			@Override
			public int getBatchSize() {
				return users.size();
			}

		});
		List<InsertOutcome> outcomes = new ArrayList<>(counts.length);
		for (int count : counts) {
			if (count < 0) {
				throw new IllegalStateException("JDBC driver did not report the row count of a batched insert");
			}
			outcomes.add((count > 0) ? InsertOutcome.CREATED : InsertOutcome.DUPLICATE_EMAIL);
		}
		return outcomes;
	}

	private List<InsertOutcome> insertOneByOne(List<StoredUser> users) {
		List<InsertOutcome> outcomes = new ArrayList<>(users.size());
		for (StoredUser user : users) {
			InsertOutcome outcome;
			try {
				Integer count = this.savepoint.execute((status) -> this.jdbcTemplate.update(INSERT_UNLESS_DUPLICATE,
						(statement) -> setParameters(statement, user)));
				outcome = (count != null && count > 0) ? InsertOutcome.CREATED : InsertOutcome.DUPLICATE_EMAIL;
			}
			catch (DataIntegrityViolationException ex) {
				outcome = InsertOutcome.REJECTED;
			}
			outcomes.add(outcome);
		}
		return outcomes;
	}

	private static void setParameters(PreparedStatement statement, StoredUser user) throws SQLException {
		statement.setString(1, user.name());
		statement.setString(2, user.email());
		statement.setString(3, user.status().name());
		statement.setArray(4, statement.getConnection().createArrayOf("text", user.roles().toArray()));
		statement.setString(5, user.phone());
		statement.setString(6, UserJdbcConfiguration.toJson(user.metadata()));
	}

}
