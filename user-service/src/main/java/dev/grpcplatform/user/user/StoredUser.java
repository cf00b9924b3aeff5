package dev.grpcplatform.user.user;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * User as stored in the {@code users} table.
 *
 * @param id server-assigned id, {@code null} before the user is stored
 * @param name display name
 * @param email email address, unique compared case-insensitively
 * @param status whether the user may act
 * @param roles roles granted to the user ({@code text[]})
 * @param phone phone number in E.164 form, or {@code null}
 * @param metadata free-form labels ({@code jsonb})
 * @param createdAt time the user was stored, {@code null} before
 */
@Table("users")
record StoredUser(@Id @Nullable Long id, String name, String email, Status status, List<String> roles,
		@Nullable String phone, UserMetadata metadata, @Nullable Instant createdAt) {

	StoredUser {
		roles = List.copyOf(roles);
	}

	/**
	 * Returns a user not stored yet.
	 */
	static StoredUser create(String name, String email, Status status, List<String> roles, @Nullable String phone,
			UserMetadata metadata) {
		return new StoredUser(null, name, email, status, roles, phone, metadata, null);
	}

	StoredUser stored(long id, Instant createdAt) {
		return new StoredUser(id, this.name, this.email, this.status, this.roles, this.phone, this.metadata, createdAt);
	}

	/**
	 * Whether a user may act; stored by name.
	 */
	enum Status {

		ACTIVE, INACTIVE

	}

}
