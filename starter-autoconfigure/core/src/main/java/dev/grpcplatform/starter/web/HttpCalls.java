package dev.grpcplatform.starter.web;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.grpcplatform.starter.internal.BridgedPeer;
import io.grpc.Metadata;
import io.grpc.Status;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

/**
 * What gRPC-Web and JSON calls share: request headers to call metadata, the deadline header, the
 * HTTP status of a gRPC status, and call metadata back to response headers.
 */
final class HttpCalls {

	/**
	 * Header that carries the call's timeout, as gRPC defines it (e.g. {@code 500m}, {@code 10S}).
	 */
	static final String TIMEOUT_HEADER = "grpc-timeout";

	// HTTP's own headers, browser headers and credentials that are no call metadata (cookies are
	// never handed to services), and gRPC's reserved headers.
	private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "keep-alive", "proxy-connection",
			"proxy-authorization", "transfer-encoding", "upgrade", "te", "trailer", "content-length", "content-type",
			"content-encoding", "accept", "accept-encoding", "accept-language", "accept-charset", "user-agent",
			"cookie", "origin", "referer", "pragma", "cache-control", "priority", "http2-settings", "dnt",
			"x-grpc-web", "x-user-agent", "expect", "if-modified-since", "if-none-match", "range");

	private static final Set<String> NOT_RETURNED = Set.of("content-type", "content-length", "transfer-encoding",
			"connection", "te", "trailer", "grpc-status", "grpc-message", "grpc-status-details-bin", "grpc-encoding",
			"grpc-accept-encoding");

	private HttpCalls() {
	}

	/**
	 * Turns the request's headers into call metadata: {@code authorization}, {@code x-request-id},
	 * {@code traceparent} and every other header a gRPC client could send as metadata.
	 * @param request the HTTP request
	 * @param maxSize largest metadata accepted, as the gRPC server's limit
	 * @return the metadata
	 * @throws HttpCallException when a header is unusable or the headers are too large
	 */
	static Metadata metadata(HttpServletRequest request, long maxSize) {
		Metadata metadata = new Metadata();
		long size = 0;
		for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements();) {
			String name = names.nextElement().toLowerCase(Locale.ROOT);
			if (NOT_FORWARDED.contains(name) || name.startsWith("grpc-") || name.startsWith("sec-")
					|| name.startsWith("access-control-") || name.startsWith(":")
					|| name.equals(BridgedPeer.KEY.name()) || !isMetadataKey(name)) {
				continue;
			}
			for (Enumeration<String> values = request.getHeaders(name); values.hasMoreElements();) {
				String value = values.nextElement();
				size += name.length() + value.length() + 32;
				if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
					try {
						metadata.put(Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER),
								Base64.getDecoder().decode(value.trim()));
					}
					catch (IllegalArgumentException ex) {
						throw new HttpCallException(Status.INVALID_ARGUMENT
							.withDescription("Header " + name + " is not valid base64"), 400);
					}
				}
				else if (isPrintable(value)) {
					metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value);
				}
			}
		}
		if (size > maxSize) {
			throw new HttpCallException(Status.RESOURCE_EXHAUSTED
				.withDescription("Request headers are larger than the limit of " + maxSize + " bytes"), 431);
		}
		String host = request.getRemoteAddr();
		if (host != null) {
			String address = (host.indexOf(':') >= 0) ? "[" + host + "]" : host;
			metadata.put(BridgedPeer.KEY, address + ":" + request.getRemotePort());
		}
		return metadata;
	}

	/**
	 * Returns the timeout the caller set in {@value #TIMEOUT_HEADER}.
	 * @param request the HTTP request
	 * @return the timeout in nanoseconds, or {@code null} without one
	 * @throws HttpCallException when the header is malformed
	 */
	static @Nullable Long timeoutNanos(HttpServletRequest request) {
		String value = request.getHeader(TIMEOUT_HEADER);
		if (value == null) {
			return null;
		}
		value = value.trim();
		// gRPC: 1 to 8 ASCII digits and a unit (H, M, S, m, u, n).
		if (value.length() < 2 || value.length() > 9) {
			throw malformedTimeout(value);
		}
		long amount;
		try {
			amount = Long.parseLong(value.substring(0, value.length() - 1));
		}
		catch (NumberFormatException ex) {
			throw malformedTimeout(value);
		}
		if (amount < 0) {
			throw malformedTimeout(value);
		}
		TimeUnit unit = switch (value.charAt(value.length() - 1)) {
			case 'H' -> TimeUnit.HOURS;
			case 'M' -> TimeUnit.MINUTES;
			case 'S' -> TimeUnit.SECONDS;
			case 'm' -> TimeUnit.MILLISECONDS;
			case 'u' -> TimeUnit.MICROSECONDS;
			case 'n' -> TimeUnit.NANOSECONDS;
			default -> throw malformedTimeout(value);
		};
		return unit.toNanos(amount);
	}

	private static HttpCallException malformedTimeout(String value) {
		return new HttpCallException(Status.INVALID_ARGUMENT.withDescription("Malformed " + TIMEOUT_HEADER + " '"
				+ value.substring(0, Math.min(value.length(), 20)) + "': expected 1 to 8 digits and a unit "
				+ "(H, M, S, m, u, n), e.g. 500m"), 400);
	}

	/**
	 * Copies call metadata to response headers ({@code x-request-id} and whatever else the service
	 * or the platform returned); binary values are base64, as gRPC-Web sends them.
	 * @param metadata response headers or trailers of the call
	 * @param response the HTTP response
	 */
	static void copyToResponse(Metadata metadata, HttpServletResponse response) {
		for (String key : metadata.keys()) {
			if (NOT_RETURNED.contains(key) || key.equals(BridgedPeer.KEY.name())) {
				continue;
			}
			if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
				Iterable<byte[]> values = metadata.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER));
				if (values != null) {
					for (byte[] value : values) {
						response.addHeader(key, Base64.getEncoder().encodeToString(value));
					}
				}
			}
			else {
				Iterable<String> values = metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
				if (values != null) {
					for (String value : values) {
						response.addHeader(key, value);
					}
				}
			}
		}
	}

	/**
	 * Returns the HTTP status of a gRPC status code, by the mapping of {@code google.rpc.Code}.
	 * @param code the gRPC status code
	 * @return the HTTP status
	 */
	static int httpStatus(Status.Code code) {
		return switch (code) {
			case OK -> 200;
			case CANCELLED -> 499;
			case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
			case DEADLINE_EXCEEDED -> 504;
			case NOT_FOUND -> 404;
			case ALREADY_EXISTS, ABORTED -> 409;
			case PERMISSION_DENIED -> 403;
			case UNAUTHENTICATED -> 401;
			case RESOURCE_EXHAUSTED -> 429;
			case UNIMPLEMENTED -> 501;
			case UNAVAILABLE -> 503;
			case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
		};
	}

	/**
	 * Encodes a status message as gRPC's {@code grpc-message} does: percent-encoding of every byte
	 * outside printable ASCII and of {@code %}.
	 * @param message the message
	 * @return the encoded message
	 */
	static String encodeMessage(String message) {
		StringBuilder encoded = new StringBuilder(message.length());
		for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
			if (b >= ' ' && b < '%' || b > '%' && b <= '~') {
				encoded.append((char) b);
			}
			else {
				encoded.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
					.append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
			}
		}
		return encoded.toString();
	}

	private static boolean isMetadataKey(String name) {
		if (name.isEmpty()) {
			return false;
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.')) {
				return false;
			}
		}
		return true;
	}

	private static boolean isPrintable(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < ' ' || c > '~') {
				return false;
			}
		}
		return true;
	}

	/**
	 * A request the bridge refuses before any call starts, with the status to answer and the HTTP
	 * status for JSON callers.
	 */
	static final class HttpCallException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final transient Status status;

		private final int httpStatus;

		HttpCallException(Status status, int httpStatus) {
			super(status.getDescription(), null, false, false);
			this.status = status;
			this.httpStatus = httpStatus;
		}

		Status status() {
			return this.status;
		}

		int httpStatus() {
			return this.httpStatus;
		}

	}

}
