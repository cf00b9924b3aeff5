package dev.grpcplatform.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README.md is a short front door that leads to every module's manual, and no link of any manual
 * leads nowhere.
 */
class DocumentationTests {

	private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");

	private static final Pattern FENCE = Pattern.compile("^\\s*```");

	private static final Set<String> SKIPPED_DIRECTORIES = Set.of(".git", "node_modules", "target", ".mvn", "data");

	@Test
	void readmeIsAShortFrontDoorWithTheTwoCommands() {
		List<String> lines = Project.read("README.md").lines().toList();
		assertThat(lines).as("README.md lines").hasSizeLessThanOrEqualTo(200);
		assertThat(lines).anyMatch((line) -> line.contains("| start the platform on its embedded defaults | `./platform up` |"))
			.anyMatch((line) -> line.contains("| run all the tests | `" + readmeTestCommand() + "` |"));
	}

	@Test
	void readmeLinksTheManualOfEveryModule() throws IOException {
		Set<String> targets = links(Project.file("README.md")).stream()
			.map((link) -> link.split("#", 2)[0])
			.collect(Collectors.toSet());
		List<String> manuals;
		try (Stream<Path> children = Files.list(Project.root())) {
			manuals = children.filter((child) -> Files.isRegularFile(child.resolve("README.md")))
				.map((child) -> child.getFileName() + "/README.md")
				.sorted()
				.toList();
		}
		assertThat(manuals).contains("starter-autoconfigure/README.md", "user-service/README.md",
				"chat-service/README.md", "bench/README.md", "e2e/README.md", "helm/README.md", "proto/README.md");
		assertThat(targets).containsAll(manuals).contains("starter-autoconfigure/CONFIGURATION.md");
	}

	@Test
	void everyRelativeLinkOfEveryManualResolves() {
		List<Path> documents = markdownFiles();
		assertThat(documents).hasSizeGreaterThan(8);
		List<String> broken = new ArrayList<>();
		for (Path document : documents) {
			for (String link : links(document)) {
				if (link.matches("^[a-z]+:.*")) {
					continue;
				}
				String[] parts = link.split("#", 2);
				Path target = parts[0].isEmpty() ? document : document.getParent().resolve(parts[0]).normalize();
				String where = Project.root().relativize(document) + ": " + link;
				if (!Files.exists(target)) {
					broken.add(where + " (no such file)");
				}
				else if (parts.length == 2 && !anchors(target).contains(parts[1])) {
					broken.add(where + " (no such heading)");
				}
			}
		}
		assertThat(broken).isEmpty();
	}

	@Test
	void ciRunsExactlyTheReadmeTestCommand() {
		List<String> commands = Project.read(".ci/run")
			.lines()
			.map(String::strip)
			.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
			.toList();
		assertThat(commands.get(commands.size() - 1)).isEqualTo(readmeTestCommand());
	}

	private static String readmeTestCommand() {
		Matcher matcher = Pattern.compile("\\| run all the tests \\| `([^`]+)` \\|").matcher(Project.read("README.md"));
		assertThat(matcher.find()).as("README.md's quick start names the test command").isTrue();
		return matcher.group(1);
	}

	static List<Path> markdownFiles() {
		try (Stream<Path> paths = Files.walk(Project.root())) {
			return paths.filter((path) -> path.toString().endsWith(".md"))
				.filter((path) -> {
					for (Path segment : Project.root().relativize(path)) {
						if (SKIPPED_DIRECTORIES.contains(segment.toString())) {
							return false;
						}
					}
					return true;
				})
				// Benchmark results are reports of a run, not manuals.
				.filter((path) -> !Project.root().relativize(path).startsWith("bench/results"))
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Link targets outside fenced code blocks.
	 */
	private static List<String> links(Path document) {
		List<String> links = new ArrayList<>();
		boolean inCode = false;
		for (String line : lines(document)) {
			if (FENCE.matcher(line).find()) {
				inCode = !inCode;
				continue;
			}
			if (!inCode) {
				Matcher matcher = LINK.matcher(line);
				while (matcher.find()) {
					links.add(matcher.group(1));
				}
			}
		}
		return links;
	}

	/**
	 * The anchors GitHub gives the headings of a Markdown file.
	 */
	private static Set<String> anchors(Path document) {
		if (!document.toString().endsWith(".md")) {
			return Set.of();
		}
		boolean inCode = false;
		Set<String> anchors = new java.util.HashSet<>();
		for (String line : lines(document)) {
			if (FENCE.matcher(line).find()) {
				inCode = !inCode;
			}
			else if (!inCode && line.startsWith("#")) {
				String heading = line.replaceFirst("^#+\\s*", "");
				anchors.add(heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
			}
		}
		return anchors;
	}

	private static List<String> lines(Path document) {
		try {
			return Files.readAllLines(document);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
