package dev.grpcplatform.user.user;

import build.buf.validate.FieldPath;
import build.buf.validate.FieldPathElement;

/**
 * Formats protovalidate field paths as the platform's request validation does: {@code email},
 * {@code roles[2]}, {@code metadata["k"]}.
 */
final class FieldPaths {

	private FieldPaths() {
	}

	static String format(FieldPath path) {
		StringBuilder result = new StringBuilder();
		for (FieldPathElement element : path.getElementsList()) {
			if (result.length() > 0) {
				result.append('.');
			}
			result.append(element.getFieldName());
			switch (element.getSubscriptCase()) {
				case INDEX -> result.append('[').append(element.getIndex()).append(']');
				case STRING_KEY -> result.append("[\"").append(element.getStringKey()).append("\"]");
				case INT_KEY -> result.append('[').append(element.getIntKey()).append(']');
				case UINT_KEY -> result.append('[').append(Long.toUnsignedString(element.getUintKey())).append(']');
				case BOOL_KEY -> result.append('[').append(element.getBoolKey()).append(']');
				default -> {
				}
			}
		}
		return result.toString();
	}

}
