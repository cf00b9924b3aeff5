package dev.grpcplatform.starter.validation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import build.buf.protovalidate.Violation;
import dev.grpcplatform.starter.errors.GrpcError;
import io.grpc.Status;

/**
 * Turns protovalidate violations into an {@code INVALID_ARGUMENT} {@link GrpcError} with one
 * {@code BadRequest} field violation per field.
 *
 * <p>Everything is bounded: a hostile request (a huge repeated field, long map keys) must not make
 * trailers that the caller's HTTP/2 stack rejects (grpc-java and Netty accept 8 KiB of headers by
 * default; the details travel base64-encoded, the description next to them).
 */
final class RequestViolations {

	static final String REASON = "INVALID_ARGUMENT";

	static final int MAX_FIELDS = 20;

	static final int MAX_FIELD_LENGTH = 100;

	static final int MAX_FIELD_DESCRIPTION_LENGTH = 200;

	// Sum of the lengths of fields and descriptions in the BadRequest.
	static final int MAX_FIELD_VIOLATIONS_LENGTH = 2500;

	static final int MAX_DESCRIPTION_LENGTH = 1000;

	private static final String DESCRIPTION_PREFIX = "invalid request: ";

	private RequestViolations() {
	}

	static GrpcError toError(List<Violation> violations) {
		Map<String, List<String>> messagesByField = new LinkedHashMap<>();
		for (Violation violation : violations) {
			build.buf.validate.Violation proto = violation.toProto();
			String field = proto.hasField() ? FieldPaths.format(proto.getField()) : "";
			String message = proto.getMessage().isEmpty() ? "violates rule " + proto.getRuleId() : proto.getMessage();
			List<String> messages = messagesByField.computeIfAbsent(abbreviate(field, MAX_FIELD_LENGTH),
					(key) -> new ArrayList<>(1));
			if (!messages.contains(message)) {
				messages.add(message);
			}
		}
		StringBuilder description = new StringBuilder(DESCRIPTION_PREFIX);
		List<GrpcError.FieldViolation> fieldViolations = new ArrayList<>(Math.min(messagesByField.size(), MAX_FIELDS));
		int omitted = 0;
		int length = 0;
		for (Map.Entry<String, List<String>> entry : messagesByField.entrySet()) {
			String fieldDescription = abbreviate(String.join("; ", entry.getValue()), MAX_FIELD_DESCRIPTION_LENGTH);
			length += entry.getKey().length() + fieldDescription.length();
			if (fieldViolations.size() == MAX_FIELDS || length > MAX_FIELD_VIOLATIONS_LENGTH) {
				omitted++;
				continue;
			}
			fieldViolations.add(new GrpcError.FieldViolation(entry.getKey(), fieldDescription));
			if (description.length() > DESCRIPTION_PREFIX.length()) {
				description.append("; ");
			}
			if (!entry.getKey().isEmpty()) {
				description.append(entry.getKey()).append(": ");
			}
			description.append(fieldDescription);
		}
		String text = abbreviate(description.toString(), MAX_DESCRIPTION_LENGTH);
		if (omitted > 0) {
			text += " (and " + omitted + " more fields)";
		}
		GrpcError.Builder error = GrpcError.builder(Status.Code.INVALID_ARGUMENT, text).reason(REASON);
		for (GrpcError.FieldViolation fieldViolation : fieldViolations) {
			error.fieldViolation(fieldViolation.field(), fieldViolation.description());
		}
		return error.build();
	}


	private static String abbreviate(String text, int maxLength) {
		if (text.length() <= maxLength) {
			return text;
		}
		int end = maxLength - 3;
		if (Character.isHighSurrogate(text.charAt(end - 1))) {
			end--;
		}
		return text.substring(0, end) + "...";
	}

}
