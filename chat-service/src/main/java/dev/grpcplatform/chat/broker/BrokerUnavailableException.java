package dev.grpcplatform.chat.broker;

/**
 * Thrown when the broker of room events cannot be reached.
 */
public class BrokerUnavailableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public BrokerUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
