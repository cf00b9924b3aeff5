package dev.grpcplatform.user.user;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Free-form labels of a user, stored as one {@code jsonb} object.
 *
 * @param entries the labels, sorted by key
 */
record UserMetadata(Map<String, String> entries) {

	static final UserMetadata EMPTY = new UserMetadata(Map.of());

	UserMetadata {
		entries = Collections.unmodifiableMap(new TreeMap<>(entries));
	}

}
