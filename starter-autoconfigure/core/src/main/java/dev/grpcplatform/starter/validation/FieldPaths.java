package dev.grpcplatform.starter.validation;

import build.buf.validate.FieldPath;
import build.buf.validate.FieldPathElement;

/**
 * Formats protovalidate field paths the way users write them: {@code user.name},
 * {@code roles[2]}, {@code metadata["k"]}; the same form the validation interceptor reports in
 * {@code google.rpc.BadRequest}, for services that validate items of a stream themselves.
 */
public final class FieldPaths {

	private FieldPaths() {
	}

	/**
	 * Formats a field path as users write it: {@code user.name}, {@code roles[2]},
	 * {@code labels["k"]}.
	 * @param path the path
	 * @return the formatted path
	 */
	public static String format(FieldPath path) {
		StringBuilder result = new StringBuilder();
		for (FieldPathElement element : path.getElementsList()) {
			if (result.length() > 0) {
				result.append('.');
			}
			result.append(element.getFieldName());
			switch (element.getSubscriptCase()) {
				case INDEX -> result.append('[').append(Long.toUnsignedString(element.getIndex())).append(']');
				case BOOL_KEY -> result.append('[').append(element.getBoolKey()).append(']');
				case INT_KEY -> result.append('[').append(element.getIntKey()).append(']');
				case UINT_KEY -> result.append('[').append(Long.toUnsignedString(element.getUintKey())).append(']');
				case STRING_KEY -> appendQuoted(result.append('['), element.getStringKey()).append(']');
				default -> {
				}
			}
		}
		return result.toString();
	}

	private static StringBuilder appendQuoted(StringBuilder result, String key) {
		result.append('"');
		for (int i = 0; i < key.length(); i++) {
			char c = key.charAt(i);
			if (c == '"' || c == '\\') {
				result.append('\\').append(c);
			}
			else if (c < 0x20 || c == 0x7f) {
				result.append(String.format("\\u%04x", (int) c));
			}
			else {
				result.append(c);
			}
		}
		return result.append('"');
	}

}
