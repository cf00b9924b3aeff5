package dev.grpcplatform.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
		Map<String, String> queries = dashboardQueries(Project.json("deploy/grafana/dashboards/grpc-service.json"));
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
		JsonNode dashboard = Project.json("deploy/grafana/dashboards/grpc-service.json");
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

	@ParameterizedTest
	@FieldSource("charts")
	void chartShipsTheSameDashboardAsDockerCompose(String chart) {
		assertThat(Project.read("helm/" + chart + "/files/grpc-service-dashboard.json"))
			.isEqualTo(Project.read("deploy/grafana/dashboards/grpc-service.json"));
	}

	private Path writeRules(String chart) throws IOException {
		PrometheusRule rule = HelmCharts.render(chart, "ci/production-values.yaml").one(PrometheusRule.class);
		Path file = this.temp.resolve(chart + "-rules.yaml");
		Files.writeString(file, HelmCharts.SERIALIZATION.asYaml(rule.getSpec()));
		return file;
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
