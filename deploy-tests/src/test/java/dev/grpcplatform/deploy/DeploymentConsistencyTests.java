package dev.grpcplatform.deploy;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docker compose, the Helm charts and the Dockerfile agree with the services' own configuration:
 * ports, the metrics path, health service names, and every environment variable and property they
 * set. Spring Boot's own relaxed binding decides which property an environment variable sets.
 *
 * <p>Data-driven: a new service is one more {@link DeployedService} in {@link #services}.
 */
class DeploymentConsistencyTests {

	/**
	 * What each service's configuration says (its application.yaml, when the module is in the tree,
	 * must agree) and which properties its deployment may set beyond application.yaml and the
	 * starter's documented {@code platform.grpc.*} keys.
	 */
	static final List<DeployedService> services = List.of(
			new DeployedService("user-service", 9090, 8080, 8081,
					List.of("spring.datasource.url", "spring.datasource.username", "spring.datasource.password"),
					Map.of()),
			new DeployedService("chat-service", 9091, 8083, 8082,
					List.of("spring.data.redis.host", "spring.data.redis.port", "spring.data.redis.password", "chat.broker.type",
							"spring.grpc.client.channel.user-service.target", "grpc.client.user-service.address"),
					Map.of("user-service", "user-service")));

	/**
	 * Properties every deployment sets, whatever the service: the gRPC port in the keys of both
	 * Spring Boot lines (the images are the Spring Boot 4.1 build; net.devh's key serves one built
	 * with -Pboot3).
	 */
	static final List<String> DEPLOYMENT_PROPERTIES = List.of("spring.config.additional-location",
			"spring.grpc.server.port", "grpc.server.port", "server.port", "management.server.port");

	/** Where each Spring Boot line binds its client channels: Spring Boot 4.1, net.devh (3.5). */
	static final List<String> CHANNEL_MAPS = List.of("spring.grpc.client.channel", "grpc.client");

	/** Environment variables read by the JVM itself, not by Spring. */
	static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

	@ParameterizedTest
	@FieldSource("services")
	void serviceConfigurationDeclaresTheExpectedPorts(DeployedService service) {
		assumeTrue(Files.exists(Project.file(service.applicationYaml())),
				service.name() + " is not in this tree yet: its expected ports stand in for its application.yaml");
		Map<String, String> configuration = Project.flatten(Project.yaml(service.applicationYaml()));
		assertThat(configuration).containsEntry("spring.grpc.server.port", String.valueOf(service.grpcPort()))
			.containsEntry("grpc.server.port", String.valueOf(service.grpcPort()))
			.containsEntry("server.port", String.valueOf(service.httpPort()))
			.containsEntry("management.server.port", String.valueOf(service.managementPort()))
			.containsEntry("platform.grpc.http.grpc-web.enabled", "true")
			.containsEntry("platform.grpc.http.json.enabled", "true");
	}

	@ParameterizedTest
	@FieldSource("services")
	void chartUsesTheServicePortsEverywhere(DeployedService service) {
		JsonNode values = Project.yaml("helm/" + service.name() + "/values.yaml");
		assertThat(values.at("/ports/grpc").asInt()).isEqualTo(service.grpcPort());
		assertThat(values.at("/ports/http").asInt()).isEqualTo(service.httpPort());
		assertThat(values.at("/ports/management").asInt()).isEqualTo(service.managementPort());

		HelmCharts.Rendered rendered = HelmCharts.render(service.name(), null);
		Container container = HelmChartBehaviourTests.container(rendered);
		assertThat(container.getPorts()).extracting((port) -> port.getName() + "/" + port.getContainerPort())
			.containsExactly("grpc/" + service.grpcPort(), "http/" + service.httpPort(),
					"management/" + service.managementPort());
		assertThat(List.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe()))
			.allSatisfy((probe) -> assertThat(probe.getGrpc().getPort()).isEqualTo(service.grpcPort()));
		assertThat(HelmChartBehaviourTests.applicationProperties(rendered, service.name()))
			.containsEntry("spring.grpc.server.port", String.valueOf(service.grpcPort()))
			.containsEntry("grpc.server.port", String.valueOf(service.grpcPort()))
			.containsEntry("server.port", String.valueOf(service.httpPort()))
			.containsEntry("management.server.port", String.valueOf(service.managementPort()));
		assertThat(rendered.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations())
			.containsEntry("prometheus.io/port", String.valueOf(service.managementPort()));
		assertThat(rendered.named(Service.class, service.name()).getSpec().getPorts())
			.extracting((port) -> port.getName() + "/" + port.getPort())
			.containsExactly("grpc/" + service.grpcPort(), "http/" + service.httpPort(),
					"management/" + service.managementPort());
		assertThat(rendered.one(NetworkPolicy.class).getSpec().getIngress())
			.extracting((rule) -> rule.getPorts().get(0).getPort().getIntVal())
			.containsExactly(service.grpcPort(), service.httpPort(), service.managementPort());
		Pod testHook = HelmCharts.testHook(service.name(), null);
		assertThat(testHook.getSpec().getContainers().get(0).getArgs()).anySatisfy(
				(arg) -> assertThat(arg).endsWith(":" + service.grpcPort()));
	}

	@ParameterizedTest
	@FieldSource("services")
	void composeUsesTheServicePortsEverywhere(DeployedService service) {
		JsonNode compose = ComposeFileTests.compose().at("/services/" + service.name());
		assertThat(ComposeFileTests.texts(compose.get("ports"))).containsExactly(
				"127.0.0.1:" + service.grpcPort() + ":" + service.grpcPort(),
				"127.0.0.1:" + service.httpPort() + ":" + service.httpPort(),
				"127.0.0.1:" + service.managementPort() + ":" + service.managementPort());
		assertThat(compose.at("/healthcheck/test").toString())
			.contains("/dev/tcp/127.0.0.1/" + service.managementPort() + " ");
		assertThat(compose.at("/build/args/SERVICE").asText()).isEqualTo(service.name());
		assertThat(compose.at("/build/args/GRPC_PORT").asText()).isEqualTo(String.valueOf(service.grpcPort()));
		assertThat(compose.at("/build/args/HTTP_PORT").asText()).isEqualTo(String.valueOf(service.httpPort()));
		assertThat(compose.at("/build/args/MANAGEMENT_PORT").asText()).isEqualTo(String.valueOf(service.managementPort()));
		List<String> targets = new ArrayList<>();
		Project.yaml("deploy/prometheus/prometheus.yml").get("scrape_configs").forEach((job) -> {
			if (job.get("job_name").asText().equals(service.name())) {
				job.at("/static_configs/0/targets").forEach((target) -> targets.add(target.asText()));
			}
		});
		assertThat(targets).containsExactly(service.name() + ":" + service.managementPort());
	}

	@ParameterizedTest
	@FieldSource("services")
	void metricsAreScrapedFromTheActuatorPrometheusEndpoint(DeployedService service) {
		String basePath = service.configuration().getOrDefault("management.endpoints.web.base-path", "/actuator");
		String path = basePath + "/prometheus";
		assertThat(Project.yaml("helm/" + service.name() + "/values.yaml").at("/metrics/path").asText()).isEqualTo(path);
		Project.yaml("deploy/prometheus/prometheus.yml").get("scrape_configs").forEach((job) -> {
			if (job.get("job_name").asText().equals(service.name())) {
				assertThat(job.get("metrics_path").asText()).isEqualTo(path);
			}
		});
		assertThat(ComposeFileTests.compose().at("/services/" + service.name() + "/healthcheck/test").toString())
			.contains(basePath + "/health/readiness");
	}

	@ParameterizedTest
	@FieldSource("services")
	void probesAskTheHealthServicesTheStarterServes(DeployedService service) {
		Map<String, String> starterDefaults = starterDefaults();
		String liveness = service.configuration()
			.getOrDefault("platform.grpc.health.liveness-service-name",
					starterDefaults.get("platform.grpc.health.liveness-service-name"));
		String readiness = service.configuration()
			.getOrDefault("platform.grpc.health.readiness-service-name",
					starterDefaults.get("platform.grpc.health.readiness-service-name"));
		JsonNode health = Project.yaml("helm/" + service.name() + "/values.yaml").get("health");
		assertThat(health.get("livenessService").asText()).isEqualTo(liveness).isEqualTo("liveness");
		assertThat(health.get("readinessService").asText()).isEqualTo(readiness).isEqualTo("readiness");
	}

	@ParameterizedTest
	@FieldSource("services")
	void everyEnvironmentVariableSetsAPropertyTheServiceKnows(DeployedService service) {
		Map<String, String> variables = new LinkedHashMap<>(composeEnvironment(service));
		for (String valuesFile : valuesFiles(service)) {
			variables.putAll(chartEnvironment(service, valuesFile));
		}
		assertThat(variables).isNotEmpty();
		Set<String> known = knownProperties(service);
		for (String variable : variables.keySet()) {
			if (JVM_VARIABLES.contains(variable)) {
				continue;
			}
			assertThat(setsAKnownProperty(variable, known)).as("%s sets a property %s knows", variable, service.name())
				.isTrue();
		}
	}

	@ParameterizedTest
	@FieldSource("services")
	void everyConfiguredPropertyIsOneTheServiceKnows(DeployedService service) {
		Set<String> configured = new LinkedHashSet<>(composeProperties(service).keySet());
		for (String valuesFile : valuesFiles(service)) {
			configured.addAll(chartProperties(service, valuesFile).keySet());
		}
		Set<String> known = knownProperties(service);
		assertThat(configured).isNotEmpty()
			.allSatisfy((property) -> assertThat(isKnown(ConfigurationPropertyName.of(property), known))
				.as("%s is a property of %s", property, service.name())
				.isTrue());
	}

	@ParameterizedTest
	@FieldSource("services")
	void clientChannelsPointAtTheCalleesGrpcPortUnderTheirExactName(DeployedService service) {
		for (Map.Entry<String, String> channel : service.clientChannels().entrySet()) {
			DeployedService callee = service(channel.getValue());
			for (String line : CHANNEL_MAPS) {
				Map<String, Channel> compose = channels(line, composeProperties(service), composeEnvironment(service));
				assertThat(compose).as("%s channels in %s", service.name(), line).containsKey(channel.getKey());
				assertThat(compose.get(channel.getKey()).endpoint())
					.isEqualTo("dns:///" + callee.name() + ":" + callee.grpcPort());
			}

			String headless = HelmCharts.render(callee.name(), null)
				.all(Service.class)
				.stream()
				.filter((each) -> "None".equals(each.getSpec().getClusterIP()))
				.findFirst()
				.orElseThrow()
				.getMetadata()
				.getName();
			for (String valuesFile : valuesFiles(service)) {
				for (String line : CHANNEL_MAPS) {
					Map<String, Channel> chart = channels(line, chartProperties(service, valuesFile),
							chartEnvironment(service, valuesFile));
					assertThat(chart).as("%s channels in %s with %s", service.name(), line, valuesFile)
						.containsKey(channel.getKey());
					assertThat(chart.get(channel.getKey()).endpoint())
						.isEqualTo("dns:///" + headless + ":" + callee.grpcPort());
				}
			}
		}
	}

	@Test
	void environmentVariablesCannotNameAClientChannelWithADash() {
		// Why the channel addresses are properties: a map key that comes from an environment variable
		// loses its dashes, so the channel "user-service" would never see this address.
		assertThat(channels("grpc.client", Map.of(),
				Map.of("GRPC_CLIENT_USERSERVICE_ADDRESS", "dns:///user-service-headless:9090")))
			.containsOnlyKeys("userservice");
		assertThat(channels("spring.grpc.client.channel", Map.of(),
				Map.of("SPRING_GRPC_CLIENT_CHANNEL_USERSERVICE_TARGET", "dns:///user-service-headless:9090")))
			.containsOnlyKeys("userservice");
		for (DeployedService service : services) {
			assertThat(composeEnvironment(service)).as(service.name())
				.doesNotContainKeys("GRPC_CLIENT_USERSERVICE_ADDRESS", "SPRING_GRPC_CLIENT_CHANNEL_USERSERVICE_TARGET");
		}
	}

	@Test
	void imagesAndChartsFollowTheProjectVersion() {
		Matcher version = Pattern.compile("<artifactId>grpc-platform-parent</artifactId>\\s*<version>([^<]+)</version>")
			.matcher(Project.read("pom.xml"));
		assertThat(version.find()).isTrue();
		for (DeployedService service : services) {
			assertThat(Project.yaml("helm/" + service.name() + "/Chart.yaml").get("appVersion").asText())
				.isEqualTo(version.group(1));
			assertThat(ComposeFileTests.compose().at("/services/" + service.name() + "/image").asText())
				.isEqualTo("grpc-platform/" + service.name() + ":" + version.group(1));
			assertThat(Project.yaml("helm/" + service.name() + "/values.yaml").at("/image/repository").asText())
				.isEqualTo("grpc-platform/" + service.name());
		}
	}

	static DeployedService service(String name) {
		return services.stream().filter((service) -> service.name().equals(name)).findFirst().orElseThrow();
	}

	private static List<String> valuesFiles(DeployedService service) {
		List<String> files = new ArrayList<>();
		files.add(null);
		files.addAll(HelmCharts.ciValuesFiles(service.name()));
		return files;
	}

	private static Map<String, String> composeEnvironment(DeployedService service) {
		JsonNode compose = ComposeFileTests.compose().at("/services/" + service.name());
		Map<String, String> variables = new LinkedHashMap<>();
		for (String envFile : ComposeFileTests.texts(compose.get("env_file"))) {
			variables.putAll(Project.envFile(envFile));
		}
		compose.path("environment").properties().forEach((entry) -> variables.put(entry.getKey(), entry.getValue().asText()));
		return variables;
	}

	private static Map<String, String> composeProperties(DeployedService service) {
		JsonNode compose = ComposeFileTests.compose();
		Map<String, String> properties = new LinkedHashMap<>();
		for (JsonNode config : compose.at("/services/" + service.name() + "/configs")) {
			String file = compose.at("/configs/" + config.get("source").asText() + "/file").asText();
			properties.putAll(Project.flatten(Project.yaml(file)));
		}
		return properties;
	}

	private static Map<String, String> chartEnvironment(DeployedService service, String valuesFile) {
		Map<String, String> variables = new LinkedHashMap<>();
		Container container = HelmChartBehaviourTests.container(HelmCharts.render(service.name(), valuesFile));
		for (EnvVar variable : container.getEnv()) {
			variables.put(variable.getName(), (variable.getValue() != null) ? variable.getValue() : "from-secret");
		}
		return variables;
	}

	private static Map<String, String> chartProperties(DeployedService service, String valuesFile) {
		return HelmChartBehaviourTests.applicationProperties(HelmCharts.render(service.name(), valuesFile), service.name());
	}

	/**
	 * The {@code platform.grpc.*} keys of the starter with their defaults, from the configuration
	 * metadata of its modules (the one source of its configuration reference).
	 */
	static Map<String, String> starterDefaults() {
		Map<String, String> keys = new LinkedHashMap<>();
		ConfigurationReference.of("starter-autoconfigure", "platform.grpc.")
			.keys()
			.forEach((name, key) -> keys.put(name, key.defaultValue()));
		return keys;
	}

	private static Set<String> knownProperties(DeployedService service) {
		Set<String> known = new LinkedHashSet<>(service.configuration().keySet());
		known.addAll(service.deploymentProperties());
		known.addAll(DEPLOYMENT_PROPERTIES);
		known.addAll(starterDefaults().keySet());
		assertThat(known).contains("platform.grpc.shutdown.grace-period", "platform.grpc.security.jwt.secret");
		return known;
	}

	private static boolean isKnown(ConfigurationPropertyName name, Set<String> known) {
		for (String property : known) {
			ConfigurationPropertyName knownName = ConfigurationPropertyName.of(property);
			// Map-valued keys (required-scopes, client.channels) take any key below them.
			if (knownName.equals(name) || knownName.isAncestorOf(name)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether Spring Boot, looking up one of the known properties, finds the variable (as it does when
	 * binding), or the variable sits below a known map-valued key.
	 */
	private static boolean setsAKnownProperty(String variable, Set<String> known) {
		ConfigurationPropertySource source = ConfigurationPropertySource.from(new SystemEnvironmentPropertySource(
				StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(variable, "value")));
		for (String property : known) {
			if (source.getConfigurationProperty(ConfigurationPropertyName.of(property)) != null) {
				return true;
			}
		}
		return ((IterableConfigurationPropertySource) source).stream().anyMatch((name) -> isKnown(name, known));
	}

	/**
	 * The channels as a Spring Boot line binds them: a map of channel name to settings under
	 * {@code spring.grpc.client.channel} (Spring Boot 4.1) or {@code grpc.client} (net.devh).
	 */
	private static Map<String, Channel> channels(String map, Map<String, String> properties,
			Map<String, String> environment) {
		MutablePropertySources sources = new MutablePropertySources();
		sources.addLast(new MapPropertySource("config", new LinkedHashMap<>(properties)));
		sources.addLast(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
				new LinkedHashMap<>(environment)));
		return new Binder(ConfigurationPropertySources.from(sources))
			.bind(map, Bindable.mapOf(String.class, Channel.class))
			.orElse(Map.of());
	}

	/**
	 * A service as it is deployed: the Maven module, chart, compose service and Prometheus job
	 * share its name.
	 * @param name the service's name
	 * @param grpcPort its grpc.server.port
	 * @param httpPort its server.port: the application's HTTP port (gRPC-Web, HTTP/JSON)
	 * @param managementPort its management.server.port (Actuator)
	 * @param deploymentProperties properties a deployment may set that application.yaml does not list
	 * @param clientChannels gRPC client channel names (as in {@code @GrpcClient}) to the service they call
	 */
	record DeployedService(String name, int grpcPort, int httpPort, int managementPort, List<String> deploymentProperties,
			Map<String, String> clientChannels) {

		String applicationYaml() {
			return this.name + "/src/main/resources/application.yaml";
		}

		Map<String, String> configuration() {
			return Files.exists(Project.file(applicationYaml())) ? Project.flatten(Project.yaml(applicationYaml()))
					: Map.of();
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

	/**
	 * The part of a channel's settings the tests look at: net.devh's {@code address} or Spring Boot
	 * 4.1's {@code target}.
	 */
	public static class Channel {

		private String address;

		private String target;

		public String getAddress() {
			return this.address;
		}

		public void setAddress(String address) {
			this.address = address;
		}

		public String getTarget() {
			return this.target;
		}

		public void setTarget(String target) {
			this.target = target;
		}

		String endpoint() {
			return (this.target != null) ? this.target : this.address;
		}

	}

}
