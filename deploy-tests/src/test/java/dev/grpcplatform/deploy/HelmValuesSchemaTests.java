package dev.grpcplatform.deploy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * values.schema.json: Helm refuses a misspelled, misplaced or mistyped value instead of ignoring it.
 */
class HelmValuesSchemaTests {

	static final List<String> charts = HelmCharts.APPLICATION_CHARTS;

	@ParameterizedTest
	@FieldSource("charts")
	void misspelledTopLevelValueIsRejected(String chart) {
		assertThat(HelmCharts.renderError(chart, null, "replicaCont=3"))
			.contains("additional properties 'replicaCont' not allowed");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void misspelledNestedValueIsRejected(String chart) {
		assertThat(HelmCharts.renderError(chart, null, "probes.liveness.periodSecond=5"))
			.contains("/probes/liveness")
			.contains("additional properties 'periodSecond' not allowed");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void misspelledValueInsideAKubernetesSelectorIsRejected(String chart) {
		assertThat(HelmCharts.renderError(chart, null,
				"networkPolicy.ingress.managementFrom[0].namespaceSelector.matchLabel.team=monitoring"))
			.contains("additional properties 'matchLabel' not allowed");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void wrongTypeIsRejected(String chart) {
		assertThat(HelmCharts.renderError(chart, null, "ports.grpc=grpc")).contains("/ports/grpc");
		assertThat(HelmCharts.renderError(chart, null, "metrics.serviceMonitor.interval=often"))
			.contains("/metrics/serviceMonitor/interval");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void springPropertyInEnvironmentVariableFormIsRejected(String chart) {
		assertThat(HelmCharts.renderError(chart, null, "config.SPRING_DATASOURCE_URL=jdbc:postgresql://db/users"))
			.contains("invalid propertyName 'SPRING_DATASOURCE_URL'");
		// --set splits at dots: a nested map is not a property value.
		assertThat(HelmCharts.renderError(chart, null, "config.platform.grpc.limits.max-inbound-message-size=8MB"))
			.contains("/config/platform");
	}

	@Test
	void chatServiceRefusesTheDatabaseValuesOfUserService() {
		assertThat(HelmCharts.renderError("chat-service", null, "database.host=db"))
			.contains("additional properties 'database' not allowed");
		assertThat(HelmCharts.renderError("user-service", null, "redis.host=redis"))
			.contains("additional properties 'redis' not allowed");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void everyObjectOfTheSchemaRejectsUnknownKeys(String chart) {
		JsonNode schema = Project.json("helm/" + chart + "/values.schema.json");
		assertThat(schema.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
		List<String> open = new ArrayList<>();
		collectOpenObjects(schema, "", open);
		assertThat(open).as("objects that accept any key").isEmpty();
	}

	@Test
	void valuesSharedByBothChartsHaveTheSameSchema() {
		JsonNode user = Project.json("helm/user-service/values.schema.json");
		JsonNode chat = Project.json("helm/chat-service/values.schema.json");
		assertThat(chat.get("$defs")).isEqualTo(user.get("$defs"));
		List<String> different = new ArrayList<>();
		for (Map.Entry<String, JsonNode> property : user.get("properties").properties()) {
			JsonNode other = chat.get("properties").get(property.getKey());
			if (other != null && !other.equals(property.getValue()) && !property.getKey().equals("networkPolicy")) {
				different.add(property.getKey());
			}
		}
		assertThat(different).isEmpty();
		// networkPolicy differs only in the backing service each chart talks to.
		JsonNode userEgress = user.at("/properties/networkPolicy/properties/egress/properties").deepCopy();
		JsonNode chatEgress = chat.at("/properties/networkPolicy/properties/egress/properties").deepCopy();
		((com.fasterxml.jackson.databind.node.ObjectNode) userEgress).remove("database");
		((com.fasterxml.jackson.databind.node.ObjectNode) chatEgress).remove("redis");
		assertThat(chatEgress).isEqualTo(userEgress);
	}

	/**
	 * Object schemas must either list their properties and forbid others, or constrain the values
	 * of free keys (maps such as labels), never accept anything.
	 */
	private static void collectOpenObjects(JsonNode node, String path, List<String> open) {
		if (node.isObject()) {
			boolean isObjectSchema = node.path("type").asText().equals("object") || node.has("properties");
			if (isObjectSchema) {
				JsonNode additional = node.get("additionalProperties");
				boolean closed = additional != null
						&& (additional.isBoolean() ? !additional.asBoolean() : additional.isObject() && !additional.isEmpty());
				if (!closed) {
					open.add(path.isEmpty() ? "/" : path);
				}
			}
			for (Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator(); fields.hasNext();) {
				Map.Entry<String, JsonNode> field = fields.next();
				collectOpenObjects(field.getValue(), path + "/" + field.getKey(), open);
			}
		}
		else if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				collectOpenObjects(node.get(i), path + "[" + i + "]", open);
			}
		}
	}

}
