package dev.grpcplatform.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The repository's charts run through the real Helm engine (helm-java), on a fresh working copy
 * in {@code target/} whose library dependency is packaged by {@code helm dependency update}, so the
 * source tree is never written to and a changed library is always picked up.
 */
final class HelmCharts {

	/** Charts that install a service; each has its own {@code ci/*-values.yaml}. */
	static final List<String> APPLICATION_CHARTS = List.of("user-service", "chat-service");

	/** The oldest Kubernetes version the charts support (their Chart.yaml kubeVersion). */
	static final String KUBE_VERSION = "1.27.0";

	static final String NAMESPACE = "apps";

	static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

	private static final String HOOK_RENDER_SUFFIX = "-hook-render";

	// helm template leaves hooks out; this wrapper renders the test hook's own template into a
	// ConfigMap of a separate copy of the chart, so that tests can read it.
	private static final String HOOK_WRAPPER = """
			apiVersion: v1
			kind: ConfigMap
			metadata:
			  name: rendered-test-hook
			data:
			  pod.yaml: {{ include "grpc-service.test" . | quote }}
			""";

	private static Path workingCopy;

	private HelmCharts() {
	}

	static Path source(String chart) {
		return Project.file("helm/" + chart);
	}

	/**
	 * The {@code ci/*-values.yaml} files of a chart, as paths relative to the chart.
	 */
	static List<String> ciValuesFiles(String chart) {
		try (Stream<Path> files = Files.list(source(chart).resolve("ci"))) {
			return files.map((file) -> "ci/" + file.getFileName())
				.filter((name) -> name.endsWith("-values.yaml"))
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static LintResult lint(String chart) {
		return new Helm(prepared(chart)).lint().strict().call();
	}

	/**
	 * Renders a release named after the chart into namespace {@value #NAMESPACE}.
	 * @param chart the chart directory under helm/
	 * @param valuesFile a values file relative to the chart, or {@code null} for the defaults
	 * @param sets {@code --set} style {@code key=value} overrides
	 */
	static Rendered render(String chart, String valuesFile, String... sets) {
		return new Rendered(template(chart, chart, valuesFile, sets).call());
	}

	/**
	 * Renders a chart archive made by {@link #packaged} as a release named after the chart, as
	 * {@code helm install} of that file would.
	 * @param valuesFile a values file relative to the chart's source, or {@code null} for the defaults
	 */
	static Rendered renderArchive(Path archive, String chart, String valuesFile) {
		return new Rendered(template(archive, chart, (valuesFile != null) ? source(chart).resolve(valuesFile) : null).call());
	}

	/**
	 * {@code helm package} of a chart (its library dependency included) into {@code destination}.
	 * @return the chart archive
	 */
	static Path packaged(String chart, Path destination) {
		Path directory = prepared(chart);
		new Helm(directory).packageIt().withDestination(destination).call();
		String version = Project.parseYaml(read(directory.resolve("Chart.yaml"))).get("version").asText();
		return destination.resolve(chart + "-" + version + ".tgz");
	}

	/**
	 * Renders a release with another name than the chart's into namespace {@value #NAMESPACE}.
	 */
	static Rendered renderRelease(String chart, String release, String valuesFile, String... sets) {
		return new Rendered(template(chart, release, valuesFile, sets).call());
	}

	/**
	 * The error Helm reports when it refuses to render, e.g. a schema violation.
	 */
	static String renderError(String chart, String valuesFile, String... sets) {
		try {
			String output = template(chart, chart, valuesFile, sets).call();
			throw new AssertionError("Expected Helm to refuse these values, but it rendered:\n" + output);
		}
		catch (IllegalStateException ex) {
			return ex.getMessage();
		}
	}

	/**
	 * The Pod of the chart's {@code helm test} hook.
	 */
	static Pod testHook(String chart, String valuesFile, String... sets) {
		Rendered rendered = new Rendered(template(chart + HOOK_RENDER_SUFFIX, chart, valuesFile, sets).call());
		String podYaml = rendered.configMap("rendered-test-hook").getData().get("pod.yaml");
		return SERIALIZATION.unmarshal(podYaml, Pod.class);
	}

	/**
	 * The NOTES.txt that {@code helm install} prints, from a client-only dry run.
	 */
	static String notes(String chart, String valuesFile, String... sets) {
		InstallCommand install = Helm.install(prepared(chart).toString())
			.withName(chart)
			.withNamespace(NAMESPACE)
			.withKubeVersion(KUBE_VERSION)
			.clientOnly()
			.dryRun();
		if (valuesFile != null) {
			install.withValuesFile(prepared(chart).resolve(valuesFile));
		}
		for (String set : sets) {
			int equals = set.indexOf('=');
			install.set(set.substring(0, equals), set.substring(equals + 1));
		}
		String output = install.call().getOutput();
		int notes = output.indexOf("NOTES:");
		if (notes < 0) {
			throw new AssertionError("No NOTES in the install output:\n" + output);
		}
		return output.substring(notes + "NOTES:".length()).strip();
	}

	private static TemplateCommand template(String directory, String release, String valuesFile, String... sets) {
		Path path = prepared(directory);
		return template(path, release, (valuesFile != null) ? path.resolve(valuesFile) : null, sets);
	}

	private static TemplateCommand template(Path chart, String release, Path valuesFile, String... sets) {
		TemplateCommand template = new Helm(chart).template()
			.withName(release)
			.withNamespace(NAMESPACE)
			.withKubeVersion(KUBE_VERSION);
		if (valuesFile != null) {
			template.withValuesFile(valuesFile);
		}
		for (String set : sets) {
			int equals = set.indexOf('=');
			if (equals < 1) {
				throw new IllegalArgumentException("Not key=value: " + set);
			}
			template.set(set.substring(0, equals), set.substring(equals + 1));
		}
		return template;
	}

	private static synchronized Path prepared(String directory) {
		if (workingCopy == null) {
			workingCopy = createWorkingCopy();
		}
		return workingCopy.resolve(directory);
	}

	private static Path createWorkingCopy() {
		Path target = Path.of("target", "helm-charts").toAbsolutePath();
		try {
			deleteRecursively(target);
			copyRecursively(Project.file("helm"), target);
			for (String chart : APPLICATION_CHARTS) {
				Path hookRender = target.resolve(chart + HOOK_RENDER_SUFFIX);
				copyRecursively(target.resolve(chart), hookRender);
				Files.writeString(hookRender.resolve("templates/zz-rendered-test-hook.yaml"), HOOK_WRAPPER);
			}
			try (Stream<Path> charts = Files.list(target)) {
				// helm/ also holds the deployment manual (README.md): only folders with a Chart.yaml are charts.
				for (Path chart : charts.filter((path) -> Files.isRegularFile(path.resolve("Chart.yaml"))).toList()) {
					if (Files.readString(chart.resolve("Chart.yaml")).contains("\ndependencies:")) {
						new Helm(chart).dependency().update().call();
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return target;
	}

	private static void copyRecursively(Path from, Path to) throws IOException {
		try (Stream<Path> paths = Files.walk(from)) {
			for (Path path : paths.toList()) {
				String relative = from.relativize(path).toString();
				// A charts/ folder or Chart.lock left by a manual "helm dependency update" is rebuilt here.
				if (relative.matches("[^/]+/charts(/.*)?") || relative.endsWith("Chart.lock")) {
					continue;
				}
				Path copy = to.resolve(relative);
				if (Files.isSymbolicLink(path)) {
					// Kept a link (to the same file), so that Helm itself has to follow it, as in the repository.
					Files.createSymbolicLink(copy, path.toRealPath());
				}
				else if (Files.isDirectory(path)) {
					Files.createDirectories(copy);
				}
				else {
					Files.copy(path, copy, StandardCopyOption.REPLACE_EXISTING);
				}
			}
		}
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void deleteRecursively(Path path) throws IOException {
		if (!Files.exists(path)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(path)) {
			for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(each);
			}
		}
	}

	/**
	 * The objects of one {@code helm template} run, typed by fabric8.
	 */
	static final class Rendered {

		private final String yaml;

		private final List<HasMetadata> objects = new ArrayList<>();

		Rendered(String yaml) {
			this.yaml = yaml;
			for (String document : yaml.split("(?m)^---\\s*$")) {
				if (document.lines().allMatch((line) -> line.isBlank() || line.startsWith("#"))) {
					continue;
				}
				this.objects.add(SERIALIZATION.unmarshal(document, HasMetadata.class));
			}
		}

		String yaml() {
			return this.yaml;
		}

		List<HasMetadata> objects() {
			return this.objects;
		}

		/** "Kind/name" of every object, in rendering order. */
		List<String> kindsAndNames() {
			return this.objects.stream().map((object) -> object.getKind() + "/" + object.getMetadata().getName()).toList();
		}

		<T extends HasMetadata> List<T> all(Class<T> type) {
			return this.objects.stream().filter(type::isInstance).map(type::cast).toList();
		}

		<T extends HasMetadata> T one(Class<T> type) {
			List<T> all = all(type);
			if (all.size() != 1) {
				throw new AssertionError("Expected one " + type.getSimpleName() + " but got " + kindsAndNames());
			}
			return all.get(0);
		}

		<T extends HasMetadata> T named(Class<T> type, String name) {
			return all(type).stream()
				.filter((object) -> object.getMetadata().getName().equals(name))
				.findFirst()
				.orElseThrow(() -> new AssertionError("No " + type.getSimpleName() + " " + name + " in " + kindsAndNames()));
		}

		io.fabric8.kubernetes.api.model.ConfigMap configMap(String name) {
			return named(io.fabric8.kubernetes.api.model.ConfigMap.class, name);
		}

	}

}
