package dev.grpcplatform.starter.errors;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;

import org.springframework.util.Assert;

/**
 * Error a gRPC call ends with: a status code, a message for the caller, and the rich details of
 * the {@code google.rpc} error model ({@code ErrorInfo}, and {@code BadRequest} when fields are at
 * fault) that travel in the {@code grpc-status-details-bin} trailer.
 *
 * <p>Build one with {@link #builder(Status.Code, String)} and throw it with {@link #asException()};
 * the platform fills in the error domain. Everything in it is sent to the caller, so it must not
 * hold internal details.
 */
public final class GrpcError {

	/**
	 * Trailer that carries the {@code google.rpc.Status} with the details, read by
	 * {@link StatusProto#fromThrowable(Throwable)} on the client.
	 */
	public static final Metadata.Key<com.google.rpc.Status> STATUS_DETAILS_KEY = Metadata.Key
		.of("grpc-status-details-bin", ProtoUtils.metadataMarshaller(com.google.rpc.Status.getDefaultInstance()));

	// AIP-193: reasons are UPPER_SNAKE_CASE, at most 63 characters.
	private static final Pattern REASON = Pattern.compile("[A-Z][A-Z0-9_]{0,61}[A-Z0-9]");

	private final Status.Code code;

	private final String message;

	private final String reason;

	private final Map<String, String> metadata;

	private final List<FieldViolation> fieldViolations;

	private GrpcError(Builder builder) {
		this.code = builder.code;
		this.message = builder.message;
		this.reason = (builder.reason != null) ? builder.reason : builder.code.name();
		this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(builder.metadata));
		this.fieldViolations = List.copyOf(builder.fieldViolations);
	}

	/**
	 * Starts an error with the given code and message for the caller.
	 * @param code status code, not {@code OK}
	 * @param message message for the caller
	 * @return a builder
	 */
	public static Builder builder(Status.Code code, String message) {
		return new Builder(code, message);
	}

	/**
	 * Creates an error with the given code and message for the caller, and the code's name as reason.
	 * @param code status code, not {@code OK}
	 * @param message message for the caller
	 * @return the error
	 */
	public static GrpcError of(Status.Code code, String message) {
		return builder(code, message).build();
	}

	/**
	 * Returns the status code.
	 * @return the code
	 */
	public Status.Code code() {
		return this.code;
	}

	/**
	 * Returns the message for the caller, sent as the status description.
	 * @return the message
	 */
	public String message() {
		return this.message;
	}

	/**
	 * Returns the {@code UPPER_SNAKE_CASE} reason of the {@code ErrorInfo}.
	 * @return the reason
	 */
	public String reason() {
		return this.reason;
	}

	/**
	 * Returns the metadata of the {@code ErrorInfo}.
	 * @return the metadata, in insertion order
	 */
	public Map<String, String> metadata() {
		return this.metadata;
	}

	/**
	 * Returns the field violations sent as a {@code BadRequest}.
	 * @return the field violations
	 */
	public List<FieldViolation> fieldViolations() {
		return this.fieldViolations;
	}

	/**
	 * Returns a builder that starts from this error.
	 * @return a builder holding this error's values
	 */
	public Builder toBuilder() {
		Builder builder = new Builder(this.code, this.message).reason(this.reason);
		builder.metadata.putAll(this.metadata);
		builder.fieldViolations.addAll(this.fieldViolations);
		return builder;
	}

	/**
	 * Returns the gRPC status: the code, with the message as description.
	 * @return the status
	 */
	public Status toStatus() {
		return Status.fromCode(this.code).withDescription(this.message);
	}

	/**
	 * Returns the {@code google.rpc.Status} with the {@code ErrorInfo} and, when there are field
	 * violations, the {@code BadRequest}.
	 * @param domain domain of the {@code ErrorInfo}, usually the service's name
	 * @return the status message
	 */
	public com.google.rpc.Status toStatusProto(String domain) {
		ErrorInfo errorInfo = ErrorInfo.newBuilder()
			.setReason(this.reason)
			.setDomain(domain)
			.putAllMetadata(this.metadata)
			.build();
		com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
			.setCode(this.code.value())
			.setMessage(this.message)
			.addDetails(Any.pack(errorInfo));
		if (!this.fieldViolations.isEmpty()) {
			BadRequest.Builder badRequest = BadRequest.newBuilder();
			for (FieldViolation violation : this.fieldViolations) {
				badRequest.addFieldViolations(BadRequest.FieldViolation.newBuilder()
					.setField(violation.field())
					.setDescription(violation.description()));
			}
			status.addDetails(Any.pack(badRequest.build()));
		}
		return status.build();
	}

	/**
	 * Returns trailers that carry this error's details.
	 * @param domain domain of the {@code ErrorInfo}
	 * @return new trailers
	 */
	public Metadata toTrailers(String domain) {
		Metadata trailers = new Metadata();
		trailers.put(STATUS_DETAILS_KEY, toStatusProto(domain));
		return trailers;
	}

	/**
	 * Returns an exception with this error's status and detail trailers, for code that knows the
	 * domain (clients, tests, or handlers outside the platform).
	 * @param domain domain of the {@code ErrorInfo}
	 * @return the exception
	 */
	public StatusRuntimeException asStatusRuntimeException(String domain) {
		return StatusProto.toStatusRuntimeException(toStatusProto(domain));
	}

	/**
	 * Returns an exception that a handler can throw or pass to {@code onError}; the platform turns
	 * it into this error with the configured domain.
	 * @return the exception
	 */
	public GrpcErrorException asException() {
		return new GrpcErrorException(this);
	}

	@Override
	public String toString() {
		return "GrpcError[" + this.code + " " + this.reason + ": " + this.message + ", metadata=" + this.metadata
				+ ", fieldViolations=" + this.fieldViolations + "]";
	}

	/**
	 * Problem with one field of a request, sent as a {@code BadRequest.FieldViolation}.
	 *
	 * @param field path of the field, such as {@code user.email} or {@code roles[2]}
	 * @param description what is wrong with it
	 */
	public record FieldViolation(String field, String description) {

		public FieldViolation {
			Objects.requireNonNull(field, "field must not be null");
			Objects.requireNonNull(description, "description must not be null");
		}

	}

	/**
	 * Builder of a {@link GrpcError}.
	 */
	public static final class Builder {

		private final Status.Code code;

		private final String message;

		private String reason;

		private final Map<String, String> metadata = new LinkedHashMap<>();

		private final List<FieldViolation> fieldViolations = new ArrayList<>();

		private Builder(Status.Code code, String message) {
			Assert.notNull(code, "code must not be null");
			Assert.isTrue(code != Status.Code.OK, "code must not be OK");
			Assert.notNull(message, "message must not be null");
			this.code = code;
			this.message = message;
		}

		/**
		 * Sets the reason, a constant that identifies the cause of the error for machines.
		 * @param reason {@code UPPER_SNAKE_CASE}, at most 63 characters
		 * @return this builder
		 */
		public Builder reason(String reason) {
			Assert.isTrue(reason != null && REASON.matcher(reason).matches(),
					() -> "reason must be UPPER_SNAKE_CASE of at most 63 characters, was '" + reason + "'");
			this.reason = reason;
			return this;
		}

		/**
		 * Adds a metadata entry to the {@code ErrorInfo}.
		 * @param key key, {@code lowerCamelCase} by convention
		 * @param value value
		 * @return this builder
		 */
		public Builder metadata(String key, String value) {
			Assert.hasText(key, "key must not be empty");
			Assert.notNull(value, "value must not be null");
			this.metadata.put(key, value);
			return this;
		}

		/**
		 * Adds a field violation, sent in a {@code BadRequest}.
		 * @param field path of the field
		 * @param description what is wrong with it
		 * @return this builder
		 */
		public Builder fieldViolation(String field, String description) {
			this.fieldViolations.add(new FieldViolation(field, description));
			return this;
		}

		/**
		 * Builds the error.
		 * @return the error
		 */
		public GrpcError build() {
			return new GrpcError(this);
		}

	}

}
