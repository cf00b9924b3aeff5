package dev.grpcplatform.user.user;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.grpcplatform.proto.user.v1.UserStatus;
import dev.grpcplatform.starter.errors.GrpcError;
import io.grpc.Status;

/**
 * Position in a listing: the last id sent and the status filter of the listing, opaque to
 * clients (base64url of {@code v1:<last id>:<status filter number>}).
 *
 * <p>It is not signed: a client that forges one only moves its own cursor within users it may
 * list anyway. The filter is part of it so that a token cannot silently resume a different listing.
 *
 * @param lastId id of the last user sent; the listing resumes after it
 * @param statusFilter status filter of the listing that issued the token
 */
record PageToken(long lastId, UserStatus statusFilter) {

	private static final String VERSION = "v1";

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

	/**
	 * Returns the position of the start of a listing with the given filter.
	 */
	static PageToken start(UserStatus statusFilter) {
		return new PageToken(0, statusFilter);
	}

	String encode() {
		String text = VERSION + ":" + this.lastId + ":" + this.statusFilter.getNumber();
		return ENCODER.encodeToString(text.getBytes(StandardCharsets.US_ASCII));
	}

	/**
	 * Reads the token of a request.
	 * @param token page_token of the request; empty for the start
	 * @param statusFilter status_filter of the request
	 * @return the position to resume after
	 * @throws dev.grpcplatform.starter.errors.GrpcErrorException with {@code INVALID_ARGUMENT} when
	 * the token is malformed or was issued for another filter
	 */
	static PageToken decode(String token, UserStatus statusFilter) {
		if (token.isEmpty()) {
			return start(statusFilter);
		}
		PageToken decoded = parse(token);
		if (decoded == null) {
			throw invalid("page_token is malformed; pass a next_page_token exactly as received");
		}
		if (decoded.statusFilter.getNumber() != statusFilter.getNumber()) {
			throw invalid("page_token was issued for a listing with another status_filter");
		}
		return decoded;
	}

	private static PageToken parse(String token) {
		String text;
		try {
			text = new String(DECODER.decode(token), StandardCharsets.US_ASCII);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
		String[] parts = text.split(":", -1);
		if (parts.length != 3 || !VERSION.equals(parts[0])) {
			return null;
		}
		try {
			long lastId = Long.parseLong(parts[1]);
			UserStatus statusFilter = UserStatus.forNumber(Integer.parseInt(parts[2]));
			return (lastId > 0 && statusFilter != null) ? new PageToken(lastId, statusFilter) : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static RuntimeException invalid(String message) {
		return GrpcError.builder(Status.Code.INVALID_ARGUMENT, message)
			.reason("INVALID_PAGE_TOKEN")
			.fieldViolation("page_token", message)
			.build()
			.asException();
	}

}
