package dev.grpcplatform.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration reference pages are what the build generates from the configuration metadata,
 * so the properties' javadoc is their one source. {@code -Dconfiguration-reference.update=true}
 * writes the pages instead of comparing them.
 */
class ConfigurationReferenceTests {

	private static final String STARTER_PAGE = "starter-autoconfigure/CONFIGURATION.md";

	private static final boolean UPDATE = Boolean.getBoolean("configuration-reference.update");

	@Test
	void starterReferenceListsEveryKeyOfTheBuild() throws IOException {
		ConfigurationReference reference = ConfigurationReference.of("starter-autoconfigure", "platform.grpc.");
		String page = """
				# Configuration reference

				Every key of the starter, with its type, default and meaning, on both Spring Boot lines. This page
				is generated from the configuration metadata that the build writes (the properties' javadoc and
				`additional-spring-configuration-metadata.json`); a test fails when it differs from the build. To
				change a description, edit the javadoc and run
				`./mvnw verify -Dconfiguration-reference.update=true`. How the features behave: [the starter's
				manual](README.md).

				""" + reference.markdown("platform.grpc.", 1, "##");
		check(STARTER_PAGE, page);
	}

	@Test
	void everyStarterKeyHasADescription() {
		assertThat(ConfigurationReference.of("starter-autoconfigure", "platform.grpc.").keys().values())
			.isNotEmpty()
			.allSatisfy((key) -> assertThat(key.description()).as(key.name()).isNotBlank());
	}

	@Test
	void everyStarterKeyNamedInAManualExists() {
		Map<String, ConfigurationReference.Key> declared = ConfigurationReference.of("starter-autoconfigure", "platform.grpc.")
			.keys();
		Pattern named = Pattern.compile("platform\\.grpc\\.[a-z0-9.-]*[a-z0-9]");
		List<String> unknown = new ArrayList<>();
		for (Path manual : DocumentationTests.markdownFiles()) {
			Matcher matcher = named.matcher(Project.read(Project.root().relativize(manual).toString()));
			while (matcher.find()) {
				String key = matcher.group();
				boolean known = declared.containsKey(key)
						|| declared.keySet().stream().anyMatch((name) -> name.startsWith(key + "."))
						|| declared.values().stream()
							.anyMatch((property) -> property.type().startsWith("Map<") && key.startsWith(property.name() + "."));
				if (!known) {
					unknown.add(Project.root().relativize(manual) + ": " + key);
				}
			}
		}
		assertThat(unknown).isEmpty();
	}

	@Test
	void userServiceManualListsItsOwnKeys() throws IOException {
		checkServiceManual("user-service", "user-service.");
	}

	@Test
	void chatServiceManualListsItsOwnKeys() throws IOException {
		checkServiceManual("chat-service", "chat.");
	}

	private static void checkServiceManual(String service, String prefix) throws IOException {
		ConfigurationReference reference = ConfigurationReference.of(service, prefix);
		assertThat(reference.keys().values()).isNotEmpty()
			.allSatisfy((key) -> assertThat(key.description()).as(key.name()).isNotBlank());
		String manual = service + "/README.md";
		check(manual, ConfigurationReference.replaceBetweenMarkers(Project.read(manual), reference.markdown(prefix, 0, "")));
	}

	private static void check(String relativePath, String generated) throws IOException {
		if (UPDATE) {
			Files.writeString(Project.file(relativePath), generated);
		}
		assertThat(Project.read(relativePath))
			.as("%s differs from what the configuration metadata of this build generates; "
					+ "run ./mvnw verify -Dconfiguration-reference.update=true to write it", relativePath)
			.isEqualTo(generated);
	}

}
