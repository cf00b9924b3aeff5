package dev.grpcplatform.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Renders configuration keys as Markdown tables from the configuration metadata that
 * spring-boot-configuration-processor writes into each module's
 * {@code target/classes/META-INF/spring-configuration-metadata.json} (the properties' field javadoc
 * merged with {@code additional-spring-configuration-metadata.json}): the one source of the
 * configuration reference pages.
 */
final class ConfigurationReference {

	static final String BEGIN = "<!-- configuration-reference:begin (generated from the configuration metadata; edit the properties' javadoc, not this table) -->";

	static final String END = "<!-- configuration-reference:end -->";

	private static final String METADATA = "target/classes/META-INF/spring-configuration-metadata.json";

	private static final Pattern QUALIFIED_NAME = Pattern.compile("(?:[a-z_][a-z0-9_]*\\.)+(?:[A-Z][A-Za-z0-9_]*\\$)*([A-Z][A-Za-z0-9_]*)");

	private final Map<String, Key> keys;

	private ConfigurationReference(Map<String, Key> keys) {
		this.keys = keys;
	}

	/**
	 * The keys under {@code prefix} in the metadata of every module below {@code directory}
	 * (relative to the repository root).
	 * @throws IllegalStateException when no module there has been compiled yet
	 */
	static ConfigurationReference of(String directory, String prefix) {
		List<Path> files = metadataFiles(directory);
		if (files.isEmpty()) {
			throw new IllegalStateException("No " + METADATA + " below " + directory
					+ ": compile it first (./mvnw verify builds every module before deploy-tests)");
		}
		Map<String, Key> keys = new TreeMap<>();
		for (Path file : files) {
			JsonNode metadata = Project.json(Project.root().relativize(file).toString());
			Map<String, List<String>> hints = hints(metadata);
			for (JsonNode property : metadata.path("properties")) {
				String name = property.get("name").asText();
				if (name.startsWith(prefix)) {
					keys.put(name, new Key(name, type(property.path("type").asText(""), hints.get(name)),
							defaultValue(property.get("defaultValue")), property.path("description").asText("")));
				}
			}
		}
		return new ConfigurationReference(keys);
	}

	private static List<Path> metadataFiles(String directory) {
		Path root = Project.file(directory);
		try (Stream<Path> paths = Files.walk(root)) {
			return paths.filter((path) -> path.endsWith(METADATA) || path.toString().endsWith("/" + METADATA))
				.filter((path) -> !Project.root().relativize(path).toString().contains("node_modules"))
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Map<String, List<String>> hints(JsonNode metadata) {
		Map<String, List<String>> hints = new LinkedHashMap<>();
		for (JsonNode hint : metadata.path("hints")) {
			List<String> values = new ArrayList<>();
			hint.path("values").forEach((value) -> values.add(value.path("value").asText()));
			if (!values.isEmpty()) {
				hints.put(hint.get("name").asText(), values);
			}
		}
		return hints;
	}

	private static String type(String javaType, List<String> values) {
		Matcher matcher = QUALIFIED_NAME.matcher(javaType);
		String simple = matcher.replaceAll("$1").replace(",", ", ");
		if (values != null) {
			return simple + "`: `" + String.join("`, `", values) ;
		}
		return simple;
	}

	private static String defaultValue(JsonNode value) {
		if (value == null || value.isNull()) {
			return "";
		}
		if (value.isArray()) {
			List<String> items = new ArrayList<>();
			value.forEach((item) -> items.add(item.asText()));
			return String.join(", ", items);
		}
		return value.asText();
	}

	Map<String, Key> keys() {
		return this.keys;
	}

	/**
	 * One table of every key, or one section per group of keys that share the first
	 * {@code groupDepth} segments below the prefix when {@code groupDepth} is positive.
	 */
	String markdown(String prefix, int groupDepth, String headingLevel) {
		Map<String, List<Key>> groups = new LinkedHashMap<>();
		this.keys.values()
			.stream()
			.sorted(Comparator.comparing((Key key) -> group(key.name(), prefix, groupDepth))
				.thenComparing((key) -> !key.name().endsWith(".enabled"))
				.thenComparing(Key::name))
			.forEach((key) -> groups.computeIfAbsent(group(key.name(), prefix, groupDepth), (name) -> new ArrayList<>())
				.add(key));
		StringBuilder markdown = new StringBuilder();
		groups.forEach((group, keys) -> {
			if (groupDepth > 0) {
				markdown.append(headingLevel).append(" `").append(group).append("`\n\n");
			}
			markdown.append("| key | type | default | description |\n| --- | --- | --- | --- |\n");
			for (Key key : keys) {
				markdown.append("| `")
					.append(key.name())
					.append("` | ")
					.append("`" + key.type() + "`")
					.append(" | ")
					.append(key.defaultValue().isEmpty() ? "" : "`" + key.defaultValue().replace("|", "\\|") + "`")
					.append(" | ")
					.append(cell(key.description()))
					.append(" |\n");
			}
			markdown.append('\n');
		});
		return markdown.toString().stripTrailing() + "\n";
	}

	private static String group(String name, String prefix, int depth) {
		if (depth <= 0) {
			return prefix;
		}
		String[] segments = name.substring(prefix.length()).split("\\.");
		return prefix + String.join(".", List.of(segments).subList(0, Math.min(depth, segments.length - 1)));
	}

	private static String cell(String text) {
		return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ");
	}

	/**
	 * {@code document} with the text between {@link #BEGIN} and {@link #END} replaced.
	 */
	static String replaceBetweenMarkers(String document, String generated) {
		int begin = document.indexOf(BEGIN);
		int end = document.indexOf(END);
		if (begin < 0 || end < begin) {
			throw new IllegalStateException("no " + BEGIN + " ... " + END + " section");
		}
		return document.substring(0, begin + BEGIN.length()) + "\n" + generated + document.substring(end);
	}

	record Key(String name, String type, String defaultValue, String description) {
	}

}
