package dev.grpcplatform.starter.errors;

import org.springframework.util.Assert;

/**
 * Exception that carries a {@link GrpcError}: thrown by a handler (or passed to
 * {@code onError}), it ends the call with exactly that error and the configured error domain.
 *
 * @see GrpcError#asException()
 */
public class GrpcErrorException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	// Not serialized: a gRPC error only lives within the call that raised it.
	private final transient GrpcError error;

	/**
	 * Creates an exception for the given error.
	 * @param error error to end the call with
	 */
	public GrpcErrorException(GrpcError error) {
		this(error, null);
	}

	/**
	 * Creates an exception for the given error, caused by another exception that is logged but never
	 * sent to the caller.
	 * @param error error to end the call with
	 * @param cause cause, or {@code null}
	 */
	public GrpcErrorException(GrpcError error, Throwable cause) {
		super(requireError(error).code() + ": " + error.message(), cause);
		this.error = error;
	}

	private static GrpcError requireError(GrpcError error) {
		Assert.notNull(error, "error must not be null");
		return error;
	}

	/**
	 * Returns the error to end the call with.
	 * @return the error
	 */
	public GrpcError getError() {
		return this.error;
	}

}
