package dev.grpcplatform.user.user;

import java.util.List;
import java.util.Optional;

/**
 * Inserts of users, with SQL that a derived repository method cannot express: the database
 * assigns id and creation time, and a bulk insert skips rows that it cannot store instead of
 * failing as a whole.
 */
interface UserInserts {

	/**
	 * Stores a new user.
	 * @param user user without id
	 * @return the user with the id and creation time the database assigned
	 * @throws org.springframework.dao.DuplicateKeyException if another user has the same email
	 */
	StoredUser insert(StoredUser user);

	/**
	 * Stores a new user with an idempotency key, unless a user with that key is stored already.
	 * @param user user without id
	 * @param idempotencyKey the caller's key
	 * @param requestFingerprint digest of the request without its key
	 * @return the new user with its id and creation time, or empty if the key was stored before
	 * @throws org.springframework.dao.DuplicateKeyException if another user has the same email
	 */
	Optional<StoredUser> insertUnlessKeyStored(StoredUser user, String idempotencyKey, byte[] requestFingerprint);

	/**
	 * Returns the request fingerprint stored with an idempotency key.
	 * @param idempotencyKey the caller's key
	 * @return the fingerprint, or empty if no user has that key
	 */
	Optional<byte[]> findRequestFingerprint(String idempotencyKey);

	/**
	 * Stores new users in one transaction; a user that cannot be stored is skipped and the others
	 * are stored.
	 * @param users users without ids
	 * @return what happened to each user, in the order given
	 */
	List<InsertOutcome> insertAll(List<StoredUser> users);

	/**
	 * What happened to one user of {@link #insertAll(List)}.
	 */
	enum InsertOutcome {

		/**
		 * The user was stored.
		 */
		CREATED,

		/**
		 * Not stored: another user, stored before or earlier in the same call, has the same email.
		 */
		DUPLICATE_EMAIL,

		/**
		 * Not stored: the database rejected the row (a constraint the request validation does not
		 * check).
		 */
		REJECTED

	}

}
