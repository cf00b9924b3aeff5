package dev.grpcplatform.user.user;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.Repository;

/**
 * Spring Data JDBC repository of {@link StoredUser}s.
 *
 * <p>Listing is keyset pagination ({@code id > ? ORDER BY id LIMIT ?}): every page costs the
 * same, however deep into the table it starts, and a page never holds more rows than asked for.
 */
interface UserRepository extends Repository<StoredUser, Long>, UserInserts {

	Optional<StoredUser> findById(long id);

	/**
	 * Returns the user stored with the given idempotency key.
	 */
	@Query("SELECT * FROM users WHERE idempotency_key = :idempotencyKey")
	Optional<StoredUser> findByIdempotencyKey(String idempotencyKey);

	/**
	 * Returns at most {@code limit} users with an id greater than {@code afterId}, by ascending id.
	 */
	@Query("SELECT * FROM users WHERE id > :afterId ORDER BY id LIMIT :limit")
	List<StoredUser> findPage(long afterId, int limit);

	/**
	 * Returns at most {@code limit} users with the given status and an id greater than
	 * {@code afterId}, by ascending id.
	 */
	@Query("SELECT * FROM users WHERE status = :status AND id > :afterId ORDER BY id LIMIT :limit")
	List<StoredUser> findPageWithStatus(StoredUser.Status status, long afterId, int limit);

}
