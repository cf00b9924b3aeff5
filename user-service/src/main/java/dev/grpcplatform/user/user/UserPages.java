package dev.grpcplatform.user.user;

import java.util.List;

/**
 * Keyset pages of users for ListUsers ({@code id > ? ORDER BY id LIMIT ?}): every page costs the
 * same, however deep into the table it starts, and a page never holds more rows than asked for.
 */
interface UserPages {

	/**
	 * Returns at most {@code limit} users with an id greater than {@code afterId}, by ascending id.
	 */
	List<StoredUser> findPage(long afterId, int limit);

	/**
	 * Returns at most {@code limit} users with the given status and an id greater than
	 * {@code afterId}, by ascending id.
	 */
	List<StoredUser> findPageWithStatus(StoredUser.Status status, long afterId, int limit);

}
