package dev.grpcplatform.user.user;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * {@link UserPages} with a {@link JdbcTemplate} and a {@link RowMapper} that reads the columns a
 * {@link StoredUser} has by position: a page holds up to 1,001 rows, and Spring Data JDBC's
 * generic entity mapping of {@code SELECT *} (a property lookup and a conversion service call per
 * column and row) cost several times what reading the rows does.
 */
class UserPagesImpl implements UserPages {

	private static final String COLUMNS = "SELECT id, name, email, status, roles, phone, metadata, created_at FROM users ";

	private static final String PAGE = COLUMNS + "WHERE id > ? ORDER BY id LIMIT ?";

	private static final String PAGE_WITH_STATUS = COLUMNS + "WHERE status = ? AND id > ? ORDER BY id LIMIT ?";

	private static final RowMapper<StoredUser> ROW = UserPagesImpl::mapRow;

	private final JdbcTemplate jdbcTemplate;

	UserPagesImpl(JdbcTemplate jdbcTemplate) {
		this.jdbcTemplate = jdbcTemplate;
	}

	@Override
	public List<StoredUser> findPage(long afterId, int limit) {
		return this.jdbcTemplate.query(PAGE, ROW, afterId, limit);
	}

	@Override
	public List<StoredUser> findPageWithStatus(StoredUser.Status status, long afterId, int limit) {
		return this.jdbcTemplate.query(PAGE_WITH_STATUS, ROW, status.name(), afterId, limit);
	}

	private static StoredUser mapRow(ResultSet row, int rowNumber) throws SQLException {
		return new StoredUser(row.getLong(1), row.getString(2), row.getString(3),
				StoredUser.Status.valueOf(row.getString(4)), roles(row.getArray(5)), row.getString(6),
				UserJdbcConfiguration.fromJson(row.getString(7)),
				row.getObject(8, OffsetDateTime.class).toInstant());
	}

	private static List<String> roles(Array array) throws SQLException {
		try {
			return List.of((String[]) array.getArray());
		}
		finally {
			array.free();
		}
	}

}
