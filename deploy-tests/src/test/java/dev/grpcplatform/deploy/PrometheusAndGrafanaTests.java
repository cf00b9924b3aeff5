package dev.grpcplatform.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.FileVisitResult;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The monitoring files checked by Prometheus's own promtool: compose's scrape configuration, the
 * charts' alert rules (including whether they fire, on synthetic series) and every query of the
 * Grafana dashboard.
 */
class PrometheusAndGrafanaTests {

	static final List<String> charts = HelmCharts.APPLICATION_CHARTS;

	/** Metric names the dashboard and alerts may use: gRFC A66 names, Micrometer's JVM and process ones. */
	static final Set<String> KNOWN_METRICS = Set.of("grpc_server_call_started_total",
			"grpc_server_call_duration_seconds_count", "grpc_server_call_duration_seconds_bucket",
			"grpc_server_call_rcvd_total_compressed_message_size_bytes_bucket",
			"grpc_server_call_sent_total_compressed_message_size_bytes_bucket",
			"grpc_client_attempt_duration_seconds_count", "grpc_client_call_duration_seconds_bucket",
			"jvm_memory_used_bytes", "process_cpu_usage", "jvm_threads_live_threads");

	private static final Pattern METRIC = Pattern.compile("\\b([a-z_][a-z0-9_]*)\\{");

	/** The one dashboard file: compose's Grafana loads it, the charts link to it. */
	static final String DASHBOARD = "deploy/grafana/dashboards/grpc-service.json";

	/** Where each chart's dashboard template reads it (Helm reads no file outside the chart). */
	static final String CHART_DASHBOARD = "files/grpc-service-dashboard.json";

	/** Folders of build output, dependencies and git's own files: not part of the sources. */
	private static final Set<String> NOT_SOURCES = Set.of(".git", "target", "node_modules");

	@TempDir
	Path temp;

	@Test
	void composePrometheusConfigurationIsValid() {
		Promtool.Result result = Promtool.run(Project.root(), "check", "config", "deploy/prometheus/prometheus.yml");
		assertThat(result.exitCode()).as(result.output()).isZero();
	}

	@ParameterizedTest
	@FieldSource("charts")
	void alertRulesOfTheChartAreValid(String chart) throws IOException {
		Path rules = writeRules(chart);
		Promtool.Result result = Promtool.run(this.temp, "check", "rules", rules.toString());
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("SUCCESS: 2 rules found");
	}

	@Test
	void errorRatioAlertFiresOnServerErrorsButNotOnClientMistakes() throws IOException {
		writeRules("user-service");
		String series = "grpc_server_call_duration_seconds_count{job=\"user-service\", namespace=\"apps\", "
				+ "grpc_method=\"platform.user.v1.UserService/GetUser\", grpc_status=\"%s\"}";
		String test = """
				rule_files: [user-service-rules.yaml]
				evaluation_interval: 1m
				tests:
				  # 10 %% UNAVAILABLE for 15 minutes: fires (threshold 5 %%, for 5m).
				  - interval: 1m
				    input_series:
				      - series: '%1$s'
				        values: '0+90x20'
				      - series: '%2$s'
				        values: '0+10x20'
				    alert_rule_test:
				      - eval_time: 15m
				        alertname: GrpcServerErrorRatioHigh
				        exp_alerts:
				          - exp_labels: {severity: critical, job: user-service, namespace: apps}
				            exp_annotations:
				              summary: 'user-service: gRPC server errors above 5%% of calls'
				              description: '10%% of the calls of user-service in apps ended with a server error code (UNKNOWN|DEADLINE_EXCEEDED|UNIMPLEMENTED|INTERNAL|UNAVAILABLE|DATA_LOSS).'
				  # 1 %% UNAVAILABLE, and 50 %% INVALID_ARGUMENT (the callers' fault): silent.
				  - interval: 1m
				    input_series:
				      - series: '%1$s'
				        values: '0+49x20'
				      - series: '%2$s'
				        values: '0+1x20'
				      - series: '%3$s'
				        values: '0+50x20'
				    alert_rule_test:
				      - eval_time: 15m
				        alertname: GrpcServerErrorRatioHigh
				        exp_alerts: []
				""".formatted(series.formatted("OK"), series.formatted("UNAVAILABLE"), series.formatted("INVALID_ARGUMENT"));
		Files.writeString(this.temp.resolve("error-ratio-test.yaml"), test);
		Promtool.Result result = Promtool.run(this.temp, "test", "rules", "error-ratio-test.yaml");
		assertThat(result.exitCode()).as(result.output()).isZero();
	}

	@Test
	void latencyAlertFiresOnSlowUnaryCallsButIgnoresLongStreams() throws IOException {
		writeRules("user-service");
		String bucket = "grpc_server_call_duration_seconds_bucket{job=\"user-service\", namespace=\"apps\", "
				+ "grpc_method=\"%s\", grpc_status=\"OK\", le=\"%s\"}";
		StringBuilder slowUnary = new StringBuilder();
		StringBuilder slowStream = new StringBuilder();
		// Every call takes between 1 and 5 seconds.
		for (String le : List.of("0.1", "0.5", "1", "5", "+Inf")) {
			String values = (le.equals("5") || le.equals("+Inf")) ? "0+10x30" : "0+0x30";
			slowUnary.append("      - series: '").append(bucket.formatted("platform.user.v1.UserService/GetUser", le))
				.append("'\n        values: '").append(values).append("'\n");
			slowStream.append("      - series: '").append(bucket.formatted("platform.user.v1.UserService/ListUsers", le))
				.append("'\n        values: '").append(values).append("'\n");
		}
		String test = """
				rule_files: [user-service-rules.yaml]
				evaluation_interval: 1m
				tests:
				  - interval: 1m
				    input_series:
				%s
				    alert_rule_test:
				      - eval_time: 20m
				        alertname: GrpcServerLatencyHigh
				        exp_alerts:
				          - exp_labels: {severity: warning, job: user-service, namespace: apps, grpc_method: platform.user.v1.UserService/GetUser}
				            exp_annotations:
				              summary: 'user-service: p99 gRPC call latency above 0.5s'
				              description: 'platform.user.v1.UserService/GetUser of user-service in apps: 4.96s at the 0.99 quantile.'
				  - interval: 1m
				    input_series:
				%s
				    alert_rule_test:
				      - eval_time: 20m
				        alertname: GrpcServerLatencyHigh
				        exp_alerts: []
				""".formatted(slowUnary.toString().stripTrailing(), slowStream.toString().stripTrailing());
		Files.writeString(this.temp.resolve("latency-test.yaml"), test);
		Promtool.Result result = Promtool.run(this.temp, "test", "rules", "latency-test.yaml");
		assertThat(result.exitCode()).as(result.output()).isZero();
	}

	@Test
	void everyDashboardQueryIsValidPromQlOnKnownMetrics() throws IOException {
		Map<String, String> queries = dashboardQueries(Project.json(DASHBOARD));
		assertThat(queries).hasSizeGreaterThan(10);
		Set<String> metrics = new LinkedHashSet<>();
		StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
		int index = 0;
		for (String expr : queries.values()) {
			Matcher metric = METRIC.matcher(expr);
			while (metric.find()) {
				metrics.add(metric.group(1));
			}
			// Grafana's variables with the values they take when "All" is selected.
			String promql = expr.replace("$__rate_interval", "5m").replace("$job", ".*").replace("$instance", ".*")
				.replace("$method", ".*");
			rules.append("      - record: dashboard:query_").append(index++).append('\n')
				.append("        expr: ").append(Project.JSON.writeValueAsString(promql)).append('\n');
		}
		assertThat(metrics).isSubsetOf(KNOWN_METRICS);
		Path file = this.temp.resolve("dashboard-queries.yaml");
		Files.writeString(file, rules.toString());
		Promtool.Result result = Promtool.run(this.temp, "check", "rules", file.toString());
		assertThat(result.exitCode()).as(result.output()).isZero();
	}

	@Test
	void dashboardUsesTheDataSourceVariableAndUniquePanelIds() {
		JsonNode dashboard = Project.json(DASHBOARD);
		Set<Integer> ids = new HashSet<>();
		for (JsonNode panel : dashboard.get("panels")) {
			assertThat(ids.add(panel.get("id").asInt())).as("panel id %s", panel.get("id")).isTrue();
			if (!panel.get("type").asText().equals("row")) {
				assertThat(panel.at("/datasource/uid").asText()).isEqualTo("${datasource}");
				panel.get("targets").forEach((target) -> assertThat(target.at("/datasource/uid").asText())
					.isEqualTo("${datasource}"));
			}
		}
		List<String> variables = new ArrayList<>();
		dashboard.at("/templating/list").forEach((variable) -> variables.add(variable.get("name").asText()));
		assertThat(variables).containsExactly("datasource", "job", "instance", "method");
	}

	@Test
	void dashboardIsCommittedOnceAndTheChartsLinkToIt() throws IOException {
		Path source = Project.file(DASHBOARD).toRealPath();
		String uid = Project.json(DASHBOARD).get("uid").asText();
		List<String> copies = new ArrayList<>();
		Files.walkFileTree(Project.root(), new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
				return NOT_SOURCES.contains(directory.getFileName().toString()) ? FileVisitResult.SKIP_SUBTREE
						: FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
				// Links are what the charts should hold; only a regular file is a copy.
				if (attributes.isRegularFile() && !file.equals(source) && isDashboardOrMentions(file, uid)) {
					copies.add(Project.root().relativize(file).toString());
				}
				return FileVisitResult.CONTINUE;
			}

		});
		assertThat(copies).as("copies of %s (link to it instead)", DASHBOARD).isEmpty();
		for (String chart : charts) {
			Path file = HelmCharts.source(chart).resolve(CHART_DASHBOARD);
			assertThat(Files.isSymbolicLink(file)).as("%s is a link", file).isTrue();
			// Relative, so that it resolves in every checkout.
			assertThat(Files.readSymbolicLink(file).isAbsolute()).isFalse();
			assertThat(file.toRealPath()).isEqualTo(source);
		}
	}

	@ParameterizedTest
	@FieldSource("charts")
	void chartRendersTheSourceDashboardWithOnlyTheReleasesIdentityChanged(String chart) throws IOException {
		assertThat(renderedDashboard(HelmCharts.render(chart, "ci/production-values.yaml"), chart))
			.isEqualTo(Project.json(DASHBOARD));
	}

	@ParameterizedTest
	@FieldSource("charts")
	void packagedChartCarriesTheDashboardFile(String chart) throws IOException {
		Path archive = HelmCharts.packaged(chart, this.temp);
		assertThat(renderedDashboard(HelmCharts.renderArchive(archive, chart, "ci/production-values.yaml"), chart))
			.isEqualTo(Project.json(DASHBOARD));
	}

	private Path writeRules(String chart) throws IOException {
		PrometheusRule rule = HelmCharts.render(chart, "ci/production-values.yaml").one(PrometheusRule.class);
		Path file = this.temp.resolve(chart + "-rules.yaml");
		Files.writeString(file, HelmCharts.SERIALIZATION.asYaml(rule.getSpec()));
		return file;
	}

	/**
	 * The dashboard of a release with what the chart sets per release (uid, title and the job
	 * variable's selection) put back to the source file's values.
	 */
	private static JsonNode renderedDashboard(HelmCharts.Rendered rendered, String release) throws IOException {
		JsonNode source = Project.json(DASHBOARD);
		ObjectNode dashboard = (ObjectNode) Project.JSON
			.readTree(rendered.configMap(release + "-dashboard").getData().get(release + ".json"));
		assertThat(dashboard.get("uid")).isNotEqualTo(source.get("uid"));
		dashboard.set("uid", source.get("uid"));
		dashboard.set("title", source.get("title"));
		for (int i = 0; i < dashboard.at("/templating/list").size(); i++) {
			ObjectNode variable = (ObjectNode) dashboard.at("/templating/list").get(i);
			if (variable.get("name").asText().equals("job")) {
				assertThat(variable.at("/current/value/0").asText()).isEqualTo(release);
				variable.set("current", source.at("/templating/list").get(i).get("current"));
			}
		}
		return dashboard;
	}

	private static boolean isDashboardOrMentions(Path file, String uid) {
		String text;
		try {
			text = Files.readString(file);
		}
		catch (IOException ex) {
			// Not UTF-8 text (images, archives): not a copy of a JSON file.
			return false;
		}
		if (text.contains("\"" + uid + "\"")) {
			return true;
		}
		try {
			JsonNode json = Project.JSON.readTree(text);
			return json != null && json.has("panels") && json.has("templating");
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static Map<String, String> dashboardQueries(JsonNode dashboard) {
		Map<String, String> queries = new LinkedHashMap<>();
		for (JsonNode panel : dashboard.get("panels")) {
			for (JsonNode target : panel.path("targets")) {
				queries.put(panel.get("title").asText() + "/" + target.get("refId").asText(), target.get("expr").asText());
			}
		}
		return queries;
	}

}
