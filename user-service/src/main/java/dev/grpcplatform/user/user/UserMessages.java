package dev.grpcplatform.user.user;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import java.time.Instant;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Timestamp;
import dev.grpcplatform.proto.user.v1.CreateUserRequest;
import dev.grpcplatform.proto.user.v1.User;
import dev.grpcplatform.proto.user.v1.UserStatus;

/**
 * Conversions between the contract's messages and {@link StoredUser}.
 */
final class UserMessages {

	private UserMessages() {
	}

	static StoredUser toNewUser(CreateUserRequest request) {
		return StoredUser.create(request.getName(), request.getEmail(), toStatus(request.getStatus()),
				request.getRolesList(), request.hasPhone() ? request.getPhone() : null,
				new UserMetadata(request.getMetadataMap()));
	}

	/**
	 * Returns the SHA-256 digest of the request without its idempotency key, in protobuf's
	 * deterministic serialization (map entries ordered), so that a repeat of the same request has the
	 * same fingerprint.
	 */
	static byte[] fingerprint(CreateUserRequest request) {
		try {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			CodedOutputStream output = CodedOutputStream.newInstance(bytes);
			output.useDeterministicSerialization();
			request.toBuilder().clearIdempotencyKey().build().writeTo(output);
			output.flush();
			return MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
		}
		catch (IOException | NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Cannot fingerprint a request", ex);
		}
	}

		static User toMessage(StoredUser user) {
		User.Builder message = User.newBuilder()
			.setId(user.id())
			.setName(user.name())
			.setEmail(user.email())
			.setStatus(toMessage(user.status()))
			.addAllRoles(user.roles())
			.putAllMetadata(user.metadata().entries())
			.setCreatedAt(toTimestamp(user.createdAt()));
		if (user.phone() != null) {
			message.setPhone(user.phone());
		}
		return message.build();
	}

	/**
	 * Returns the stored status for a status of a create request, where unspecified means active.
	 */
	static StoredUser.Status toStatus(UserStatus status) {
		return switch (status) {
			case USER_STATUS_UNSPECIFIED, USER_STATUS_ACTIVE -> StoredUser.Status.ACTIVE;
			case USER_STATUS_INACTIVE -> StoredUser.Status.INACTIVE;
			// Request validation (enum.defined_only) keeps unknown numbers out.
			case UNRECOGNIZED -> throw new IllegalArgumentException("status is not a defined UserStatus");
		};
	}

	static UserStatus toMessage(StoredUser.Status status) {
		return switch (status) {
			case ACTIVE -> UserStatus.USER_STATUS_ACTIVE;
			case INACTIVE -> UserStatus.USER_STATUS_INACTIVE;
		};
	}

	private static Timestamp toTimestamp(Instant instant) {
		return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
	}

}
