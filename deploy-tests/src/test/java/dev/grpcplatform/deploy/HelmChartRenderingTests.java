package dev.grpcplatform.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every chart through the real Helm engine: strict lint, then a template run with the default
 * values and with each {@code ci/*-values.yaml}, whose objects must all be known Kubernetes kinds
 * without a single unknown field.
 */
class HelmChartRenderingTests {

	static final List<String> charts = List.of("grpc-service-lib", "user-service", "chat-service");

	/**
	 * The objects each values file renders ("%s" is the chart name); the closing report of the
	 * deployment issue quotes this table.
	 */
	static final Map<String, List<String>> expectedObjects = Map.of(
			"values.yaml", List.of("ConfigMap/%s", "Deployment/%s", "NetworkPolicy/%s", "PodDisruptionBudget/%s",
					"Service/%s", "Service/%s-headless", "ServiceAccount/%s"),
			"ci/minimal-values.yaml", List.of("ConfigMap/%s", "Deployment/%s", "Secret/%s", "Service/%s",
					"Service/%s-headless"),
			"ci/inline-secrets-values.yaml", List.of("ConfigMap/%s", "Deployment/%s", "NetworkPolicy/%s",
					"PodDisruptionBudget/%s", "Secret/%s", "Service/%s", "Service/%s-headless", "ServiceAccount/%s"),
			"ci/production-values.yaml", List.of("ConfigMap/%s", "ConfigMap/%s-dashboard", "Deployment/%s",
					"HorizontalPodAutoscaler/%s", "NetworkPolicy/%s", "PodDisruptionBudget/%s", "PrometheusRule/%s",
					"Service/%s", "Service/%s-headless", "ServiceAccount/%s", "ServiceMonitor/%s"));

	static Stream<Arguments> releases() {
		List<Arguments> releases = new ArrayList<>();
		for (String chart : HelmCharts.APPLICATION_CHARTS) {
			releases.add(Arguments.of(chart, "values.yaml"));
			HelmCharts.ciValuesFiles(chart).forEach((file) -> releases.add(Arguments.of(chart, file)));
		}
		return releases.stream();
	}

	@ParameterizedTest
	@FieldSource("charts")
	void chartPassesStrictLintWithoutWarnings(String chart) {
		LintResult lint = HelmCharts.lint(chart);
		assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
		assertThat(lint.getMessages()).noneMatch((message) -> message.startsWith("[WARNING]") || message.startsWith("[ERROR]"));
	}

	@ParameterizedTest(name = "{0} with {1}")
	@MethodSource("releases")
	void everyRenderedObjectIsAKnownKindWithoutUnknownFields(String chart, String valuesFile) {
		HelmCharts.Rendered rendered = HelmCharts.render(chart, valuesFile.equals("values.yaml") ? null : valuesFile);
		assertThat(rendered.objects()).isNotEmpty();
		for (HasMetadata object : rendered.objects()) {
			assertThat(UnknownFields.in(object)).as("unknown fields of %s/%s", object.getKind(), object.getMetadata().getName())
				.isEmpty();
			assertThat(object.getMetadata().getNamespace()).isEqualTo(HelmCharts.NAMESPACE);
			assertThat(object.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", chart)
				.containsEntry("app.kubernetes.io/managed-by", "Helm");
		}
	}

	@ParameterizedTest(name = "{0} with {1}")
	@MethodSource("releases")
	void eachValuesFileRendersExactlyItsObjects(String chart, String valuesFile) {
		HelmCharts.Rendered rendered = HelmCharts.render(chart, valuesFile.equals("values.yaml") ? null : valuesFile);
		List<String> expected = expectedObjects.get(valuesFile);
		assertThat(expected).as("expected objects of %s (add the file to expectedObjects)", valuesFile).isNotNull();
		assertThat(rendered.kindsAndNames()).containsExactlyInAnyOrderElementsOf(
				expected.stream().map((entry) -> entry.replace("%s", chart)).toList());
	}

}
