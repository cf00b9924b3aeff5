package dev.grpcplatform.starter.web;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A {@code google.api.http} path template ({@code /v1/{name=shelves/*}/books/{book.id}:publish}):
 * literals, {@code *} (one segment), {@code **} (the rest), variables bound to request fields, with
 * nested field paths, and an optional {@code :verb}.
 */
final class PathTemplate {

	private final String template;

	private final Pattern pattern;

	private final List<String> fieldPaths;

	private final List<Boolean> multiSegment;

	private final int literals;

	private PathTemplate(String template, Pattern pattern, List<String> fieldPaths, List<Boolean> multiSegment,
			int literals) {
		this.template = template;
		this.pattern = pattern;
		this.fieldPaths = fieldPaths;
		this.multiSegment = multiSegment;
		this.literals = literals;
	}

	/**
	 * Parses a template.
	 * @param template the template
	 * @return the parsed template
	 * @throws IllegalArgumentException when the template is malformed
	 */
	static PathTemplate parse(String template) {
		if (!template.startsWith("/")) {
			throw new IllegalArgumentException("Path template '" + template + "' does not start with /");
		}
		String path = template;
		String verb = null;
		int lastSlash = path.lastIndexOf('/');
		int lastBrace = path.lastIndexOf('}');
		int colon = path.indexOf(':', Math.max(lastSlash, lastBrace));
		if (colon > 0) {
			verb = path.substring(colon + 1);
			path = path.substring(0, colon);
		}
		StringBuilder regex = new StringBuilder("^");
		List<String> fields = new ArrayList<>();
		List<Boolean> multi = new ArrayList<>();
		int literals = 0;
		for (String segment : segments(path.substring(1))) {
			regex.append('/');
			if (segment.startsWith("{")) {
				if (!segment.endsWith("}")) {
					throw new IllegalArgumentException("Unclosed variable in path template '" + template + "'");
				}
				String variable = segment.substring(1, segment.length() - 1);
				int equals = variable.indexOf('=');
				String field = (equals >= 0) ? variable.substring(0, equals) : variable;
				if (!field.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*")) {
					throw new IllegalArgumentException("Bad field path '" + field + "' in path template '" + template + "'");
				}
				String sub = (equals >= 0) ? variable.substring(equals + 1) : "*";
				regex.append('(');
				boolean first = true;
				for (String part : sub.split("/", -1)) {
					if (!first) {
						regex.append('/');
					}
					first = false;
					regex.append(segmentRegex(part, template));
				}
				regex.append(')');
				fields.add(field);
				multi.add(sub.contains("/") || sub.contains("**"));
			}
			else {
				if (!segment.equals("*") && !segment.equals("**")) {
					literals++;
				}
				regex.append(segmentRegex(segment, template));
			}
		}
		if (verb != null) {
			regex.append(Pattern.quote(":" + verb));
		}
		regex.append('$');
		return new PathTemplate(template, Pattern.compile(regex.toString()), List.copyOf(fields), List.copyOf(multi),
				literals);
	}

	private static String segmentRegex(String segment, String template) {
		if (segment.equals("*")) {
			return "[^/]+";
		}
		if (segment.equals("**")) {
			return ".+";
		}
		if (segment.isEmpty() || segment.contains("{") || segment.contains("}") || segment.contains("*")) {
			throw new IllegalArgumentException("Bad segment '" + segment + "' in path template '" + template + "'");
		}
		return Pattern.quote(segment);
	}

	private static List<String> segments(String path) {
		List<String> segments = new ArrayList<>();
		int depth = 0;
		int start = 0;
		for (int i = 0; i < path.length(); i++) {
			char c = path.charAt(i);
			if (c == '{') {
				depth++;
			}
			else if (c == '}') {
				depth--;
			}
			else if (c == '/' && depth == 0) {
				segments.add(path.substring(start, i));
				start = i + 1;
			}
		}
		segments.add(path.substring(start));
		return segments;
	}

	/**
	 * Matches a raw (still percent-encoded) request path.
	 * @param rawPath the path
	 * @return the decoded variable values by field path, or {@code null} when the path does not match
	 * @throws IllegalArgumentException when a value is not valid percent-encoding
	 */
	@Nullable Map<String, String> match(String rawPath) {
		Matcher matcher = this.pattern.matcher(rawPath);
		if (!matcher.matches()) {
			return null;
		}
		Map<String, String> values = new LinkedHashMap<>();
		for (int i = 0; i < this.fieldPaths.size(); i++) {
			values.put(this.fieldPaths.get(i), decode(matcher.group(i + 1), this.multiSegment.get(i)));
		}
		return values;
	}

	/**
	 * Fields bound by the path.
	 */
	List<String> fieldPaths() {
		return this.fieldPaths;
	}

	/**
	 * Number of literal segments: templates with more are preferred when several match.
	 */
	int literals() {
		return this.literals;
	}

	/**
	 * Percent-decodes a path value; a multi-segment value keeps encoded slashes encoded, as
	 * {@code google.api.http} specifies.
	 */
	static String decode(String value, boolean keepSlashes) {
		if (value.indexOf('%') < 0) {
			return value;
		}
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '%') {
				if (i + 2 >= value.length()) {
					throw new IllegalArgumentException("Malformed percent-encoding in '" + value + "'");
				}
				int high = Character.digit(value.charAt(i + 1), 16);
				int low = Character.digit(value.charAt(i + 2), 16);
				if (high < 0 || low < 0) {
					throw new IllegalArgumentException("Malformed percent-encoding in '" + value + "'");
				}
				int decoded = (high << 4) + low;
				if (keepSlashes && decoded == '/') {
					bytes.writeBytes(value.substring(i, i + 3).getBytes(StandardCharsets.US_ASCII));
				}
				else {
					bytes.write(decoded);
				}
				i += 2;
			}
			else {
				bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
			}
		}
		return bytes.toString(StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		return this.template;
	}

}
