package dev.grpcplatform.user.user;

import java.util.Optional;

import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.Repository;

/**
 * Spring Data JDBC repository of {@link StoredUser}s.
 *
 * <p>Single users are mapped by Spring Data JDBC; the pages of ListUsers ({@link UserPages}) and
 * the inserts ({@link UserInserts}) are plain JDBC.
 */
interface UserRepository extends Repository<StoredUser, Long>, UserInserts, UserPages {

	Optional<StoredUser> findById(long id);

	/**
	 * Returns the user stored with the given idempotency key.
	 */
	@Query("SELECT * FROM users WHERE idempotency_key = :idempotencyKey")
	Optional<StoredUser> findByIdempotencyKey(String idempotencyKey);

}
