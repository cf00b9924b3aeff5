package dev.grpcplatform.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Files of the repository that the deployment tests read, and YAML helpers.
 */
final class Project {

	static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

	static final ObjectMapper JSON = new ObjectMapper();

	private Project() {
	}

	/**
	 * The repository root (Maven passes it as {@code project.root}).
	 */
	static Path root() {
		return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
	}

	static Path file(String relativePath) {
		return root().resolve(relativePath);
	}

	static String read(String relativePath) {
		try {
			return Files.readString(file(relativePath));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static JsonNode yaml(String relativePath) {
		return parseYaml(read(relativePath));
	}

	static JsonNode parseYaml(String text) {
		try {
			return YAML.readTree(text);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static JsonNode json(String relativePath) {
		try {
			return JSON.readTree(read(relativePath));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A YAML tree as Spring sees it: nested maps and lists flattened to dotted keys
	 * ({@code a.b[0].c}), scalar values as text.
	 */
	static Map<String, String> flatten(JsonNode node) {
		Map<String, String> result = new LinkedHashMap<>();
		flatten("", node, result);
		return result;
	}

	private static void flatten(String prefix, JsonNode node, Map<String, String> result) {
		if (node == null || node.isNull()) {
			return;
		}
		if (node.isObject()) {
			for (Map.Entry<String, JsonNode> field : node.properties()) {
				String key = field.getKey();
				String name = prefix.isEmpty() ? key : (key.startsWith("[") ? prefix + key : prefix + "." + key);
				flatten(name, field.getValue(), result);
			}
		}
		else if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				flatten(prefix + "[" + i + "]", node.get(i), result);
			}
		}
		else {
			result.put(prefix, node.asText());
		}
	}

	/**
	 * {@code KEY=value} lines of an env file (comments and blank lines left out).
	 */
	static Map<String, String> envFile(String relativePath) {
		Map<String, String> result = new LinkedHashMap<>();
		for (String line : List.of(read(relativePath).split("\n"))) {
			String trimmed = line.strip();
			if (trimmed.isEmpty() || trimmed.startsWith("#")) {
				continue;
			}
			int equals = trimmed.indexOf('=');
			if (equals < 1) {
				throw new IllegalStateException(relativePath + ": not a KEY=value line: " + line);
			}
			result.put(trimmed.substring(0, equals), trimmed.substring(equals + 1));
		}
		return result;
	}

}
