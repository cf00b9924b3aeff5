package dev.grpcplatform.starter.logging;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: the caller's when it is a plausible id, a random one otherwise.
 */
final class RequestIds {

	/**
	 * Longest request id taken from a caller; longer ones are replaced.
	 */
	static final int MAX_LENGTH = 128;

	private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

	private RequestIds() {
	}

	/**
	 * Returns the caller's request id if it is usable as is: 1 to {@value #MAX_LENGTH} characters of
	 * letters, digits and {@code . _ - : + / = @ ~}, so that it cannot forge log lines or smuggle
	 * markup into the places it is copied to.
	 * @param candidate the caller's value, or {@code null}
	 * @return the candidate, or {@code null} when it is absent or unusable
	 */
	static String fromCaller(String candidate) {
		if (candidate == null || candidate.isEmpty() || candidate.length() > MAX_LENGTH) {
			return null;
		}
		for (int i = 0; i < candidate.length(); i++) {
			if (!isAllowed(candidate.charAt(i))) {
				return null;
			}
		}
		return candidate;
	}

	private static boolean isAllowed(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
				|| c == '-' || c == ':' || c == '+' || c == '/' || c == '=' || c == '@' || c == '~';
	}

	/**
	 * Generates a random request id of 32 hex digits (128 bits; not a secret, so no secure random
	 * and its contention).
	 * @return a new request id
	 */
	static String generate() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		// Latin-1 bytes: the string keeps them as they are, without compressing chars first.
		byte[] chars = new byte[32];
		fill(chars, 0, random.nextLong());
		fill(chars, 16, random.nextLong());
		return new String(chars, StandardCharsets.ISO_8859_1);
	}

	private static void fill(byte[] chars, int offset, long bits) {
		for (int i = 15; i >= 0; i--) {
			chars[offset + i] = HEX[(int) (bits & 0xf)];
			bits >>>= 4;
		}
	}

}
