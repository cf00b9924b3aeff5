package dev.grpcplatform.deploy;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml against the compose-spec JSON schema (the copy that npm's dclint ships), and
 * what the stack promises: readiness healthchecks, ordered start-up, secrets only in env files.
 */
class ComposeFileTests {

	static final String COMPOSE_SCHEMA = "deploy-tests/node_modules/dclint/schemas/compose.schema.json";

	static final List<String> APPLICATION_SERVICES = List.of("user-service", "chat-service");

	private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|CREDENTIAL|PRIVATE).*");

	@Test
	void composeFileIsValidAgainstTheComposeSpecification() {
		assertThat(validate(compose())).isEmpty();
	}

	@Test
	void misspelledOrMisplacedKeysAreRejectedByTheSchema() {
		ObjectNode misspelled = compose().deepCopy();
		((ObjectNode) misspelled.at("/services/user-service/healthcheck")).put("intervall", "5s");
		assertThat(validate(misspelled)).anySatisfy((message) -> assertThat(message).contains("intervall"));

		ObjectNode wrongCondition = compose().deepCopy();
		((ObjectNode) wrongCondition.at("/services/chat-service/depends_on/redis")).put("condition", "service_healty");
		assertThat(validate(wrongCondition)).anySatisfy((message) -> assertThat(message).contains("condition"));

		ObjectNode unknownService = compose().deepCopy();
		((ObjectNode) unknownService.at("/services/grafana")).put("imagee", "grafana/grafana");
		assertThat(validate(unknownService)).anySatisfy((message) -> assertThat(message).contains("imagee"));
	}

	@Test
	void everyServiceHasAHealthcheckAndDependentsWaitUntilItIsHealthy() {
		JsonNode services = compose().get("services");
		assertThat(services.properties()).extracting(Map.Entry::getKey)
			.contains("user-service", "chat-service", "postgres", "redis", "prometheus", "grafana");
		for (Map.Entry<String, JsonNode> service : services.properties()) {
			assertThat(service.getValue().at("/healthcheck/test").isArray()).as("healthcheck of %s", service.getKey()).isTrue();
			for (Map.Entry<String, JsonNode> dependency : service.getValue().path("depends_on").properties()) {
				assertThat(dependency.getValue().path("condition").asText())
					.as("%s waits for %s", service.getKey(), dependency.getKey())
					.isEqualTo("service_healthy");
				assertThat(services.has(dependency.getKey())).isTrue();
			}
		}
		assertThat(dependencies(services, "user-service")).containsExactly("postgres");
		assertThat(dependencies(services, "chat-service")).containsExactlyInAnyOrder("redis", "user-service");
		assertThat(dependencies(services, "grafana")).containsExactly("prometheus");
	}

	@Test
	void applicationServicesAreHealthyOnlyWhenReady() {
		for (String name : APPLICATION_SERVICES) {
			JsonNode healthcheck = compose().at("/services/" + name + "/healthcheck");
			assertThat(healthcheck.get("test").toString()).contains("/actuator/health/readiness").contains("' 200 '");
			assertThat(healthcheck.get("start_period").asText()).isNotEmpty();
		}
	}

	@Test
	void applicationContainersRunHardenedAsInKubernetes() {
		for (String name : APPLICATION_SERVICES) {
			JsonNode service = compose().at("/services/" + name);
			assertThat(service.get("read_only").asBoolean()).as("%s read_only", name).isTrue();
			assertThat(texts(service.get("tmpfs"))).containsExactly("/tmp");
			assertThat(texts(service.get("cap_drop"))).containsExactly("ALL");
			assertThat(texts(service.get("security_opt"))).contains("no-new-privileges:true");
			assertThat(texts(service.get("ports"))).allSatisfy((port) -> assertThat(port).startsWith("127.0.0.1:"));
		}
	}

	@Test
	void secretsComeFromEnvFilesNeverFromTheComposeFile() {
		String composeText = Project.read("docker-compose.yml");
		List<String> secretValues = new ArrayList<>();
		for (Map.Entry<String, JsonNode> service : compose().get("services").properties()) {
			for (Map.Entry<String, JsonNode> variable : service.getValue().path("environment").properties()) {
				assertThat(variable.getKey()).as("inline environment of %s", service.getKey()).doesNotMatch(SECRET_NAME);
			}
			for (String envFile : texts(service.getValue().get("env_file"))) {
				assertThat(Files.isRegularFile(Project.file(envFile))).as(envFile).isTrue();
				Project.envFile(envFile).forEach((key, value) -> {
					if (SECRET_NAME.matcher(key).matches()) {
						secretValues.add(value);
					}
				});
			}
		}
		assertThat(secretValues).isNotEmpty().allSatisfy((value) -> assertThat(composeText).doesNotContain(value));
	}

	@Test
	void envFilesAndSettingsAgreeOnTheDatabaseAndTheJwtSecret() {
		Map<String, String> postgres = Project.envFile("deploy/compose/postgres.env");
		Map<String, String> userService = Project.envFile("deploy/compose/user-service.env");
		Map<String, String> settings = Project.flatten(Project.yaml("deploy/compose/config/user-service.yaml"));
		assertThat(userService).containsEntry("SPRING_DATASOURCE_PASSWORD", postgres.get("POSTGRES_PASSWORD"));
		assertThat(settings).containsEntry("spring.datasource.username", postgres.get("POSTGRES_USER"))
			.containsEntry("spring.datasource.url", "jdbc:postgresql://postgres:5432/" + postgres.get("POSTGRES_DB"));

		String jwtSecret = Project.envFile("deploy/compose/jwt.env").get("PLATFORM_GRPC_SECURITY_JWT_SECRET");
		assertThat(jwtSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSizeGreaterThanOrEqualTo(32);
		// The built-in development secret is refused outside the dev profile, which compose never sets.
		assertThat(Project.read("starter-autoconfigure/core/src/main/java/dev/grpcplatform/starter/security/DevelopmentTokens.java"))
			.doesNotContain('"' + jwtSecret + '"');
		for (String name : APPLICATION_SERVICES) {
			assertThat(texts(compose().at("/services/" + name + "/env_file"))).contains("deploy/compose/jwt.env");
			assertThat(compose().at("/services/" + name + "/environment").toString()).doesNotContain("profiles");
		}
	}

	@Test
	void filesTheStackMountsExist() {
		JsonNode compose = compose();
		for (JsonNode config : compose.get("configs")) {
			assertThat(Files.isRegularFile(Project.file(config.get("file").asText()))).as(config.toString()).isTrue();
		}
		for (Map.Entry<String, JsonNode> service : compose.get("services").properties()) {
			for (String volume : texts(service.getValue().get("volumes"))) {
				if (volume.startsWith("./")) {
					assertThat(Files.exists(Project.file(volume.split(":")[0]))).as(volume).isTrue();
				}
			}
		}
	}

	@Test
	void grafanaIsProvisionedWithPrometheusAndTheDashboard() {
		JsonNode datasources = Project.yaml("deploy/grafana/provisioning/datasources/prometheus.yaml");
		JsonNode prometheus = datasources.at("/datasources/0");
		assertThat(prometheus.get("type").asText()).isEqualTo("prometheus");
		assertThat(prometheus.get("isDefault").asBoolean()).isTrue();
		String prometheusPort = texts(compose().at("/services/prometheus/ports")).get(0).replaceAll(".*:", "");
		assertThat(prometheus.get("url").asText()).isEqualTo("http://prometheus:" + prometheusPort);

		String dashboardsPath = Project.yaml("deploy/grafana/provisioning/dashboards/grpc-platform.yaml")
			.at("/providers/0/options/path")
			.asText();
		assertThat(texts(compose().at("/services/grafana/volumes")))
			.contains("./deploy/grafana/dashboards:" + dashboardsPath + ":ro")
			.contains("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro");
		assertThat(Files.isRegularFile(Project.file("deploy/grafana/dashboards/grpc-service.json"))).isTrue();
	}

	@Test
	void prometheusScrapesBothServicesOnTheirManagementEndpoint() {
		JsonNode scrapeConfigs = Project.yaml("deploy/prometheus/prometheus.yml").get("scrape_configs");
		for (String name : APPLICATION_SERVICES) {
			JsonNode job = null;
			for (JsonNode each : scrapeConfigs) {
				if (each.get("job_name").asText().equals(name)) {
					job = each;
				}
			}
			assertThat(job).as("scrape job %s", name).isNotNull();
			assertThat(job.get("metrics_path").asText()).isEqualTo("/actuator/prometheus");
			assertThat(job.at("/static_configs/0/targets/0").asText()).startsWith(name + ":");
		}
	}

	static JsonNode compose() {
		return Project.yaml("docker-compose.yml");
	}

	static List<String> texts(JsonNode array) {
		List<String> result = new ArrayList<>();
		if (array != null) {
			array.forEach((item) -> result.add(item.asText()));
		}
		return result;
	}

	private static List<String> dependencies(JsonNode services, String name) {
		List<String> result = new ArrayList<>();
		services.get(name).path("depends_on").properties().forEach((entry) -> result.add(entry.getKey()));
		return result;
	}

	static List<String> validate(JsonNode compose) {
		// Loaded from its file URI: the schema's relative $id resolves against it.
		JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
			.getSchema(SchemaLocation.of(Project.file(COMPOSE_SCHEMA).toUri().toString()));
		Set<ValidationMessage> messages = schema.validate(compose);
		return messages.stream().map(ValidationMessage::getMessage).toList();
	}

}
