package dev.grpcplatform.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * What an operator gets from the charts, asserted on the typed objects Helm renders.
 */
class HelmChartBehaviourTests {

	static final List<String> charts = HelmCharts.APPLICATION_CHARTS;

	static final List<String> defaultAndProductionValues = List.of("values.yaml", "ci/production-values.yaml");

	static Stream<Arguments> releases() {
		return HelmChartRenderingTests.releases();
	}

	/** The releases that have a {@code helm test} hook and a NetworkPolicy. */
	static Stream<Arguments> releasesWithTests() {
		return releases().filter((release) -> !release.get()[1].equals("ci/minimal-values.yaml"));
	}

	@ParameterizedTest(name = "{0} with {1}")
	@MethodSource("releases")
	void probesAreNativeGrpcProbesOnTheNumericPort(String chart, String valuesFile) {
		int grpcPort = values(chart).at("/ports/grpc").asInt();
		Container container = container(render(chart, valuesFile));
		assertThat(container.getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort)
			.contains(tuple("grpc", grpcPort));
		assertGrpcProbe(container.getStartupProbe(), grpcPort, "liveness");
		assertGrpcProbe(container.getLivenessProbe(), grpcPort, "liveness");
		assertGrpcProbe(container.getReadinessProbe(), grpcPort, "readiness");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void probesAndApplicationUseTheSameHealthServiceNames(String chart) {
		HelmCharts.Rendered rendered = HelmCharts.render(chart, null, "health.livenessService=alive",
				"health.readinessService=ready", "ports.grpc=7443");
		Container container = container(rendered);
		assertGrpcProbe(container.getLivenessProbe(), 7443, "alive");
		assertGrpcProbe(container.getReadinessProbe(), 7443, "ready");
		assertThat(applicationProperties(rendered, chart)).containsEntry("platform.grpc.health.liveness-service-name", "alive")
			.containsEntry("platform.grpc.health.readiness-service-name", "ready")
			.containsEntry("spring.grpc.server.port", "7443")
			.containsEntry("grpc.server.port", "7443");
	}

	@ParameterizedTest(name = "{0} with {1}")
	@MethodSource("releases")
	void podFollowsTheRestrictedPodSecurityStandard(String chart, String valuesFile) {
		HelmCharts.Rendered rendered = render(chart, valuesFile);
		PodSpec pod = rendered.one(Deployment.class).getSpec().getTemplate().getSpec();
		assertThat(pod.getAutomountServiceAccountToken()).isFalse();
		assertThat(pod.getHostNetwork()).isNull();
		assertThat(pod.getHostPID()).isNull();
		assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
		assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
		assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
		assertThat(pod.getVolumes()).allSatisfy((volume) -> assertThat(volume.getHostPath()).isNull());
		for (Container container : pod.getContainers()) {
			SecurityContext security = container.getSecurityContext();
			assertThat(security.getAllowPrivilegeEscalation()).isFalse();
			assertThat(security.getReadOnlyRootFilesystem()).isTrue();
			assertThat(security.getRunAsNonRoot()).isTrue();
			assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
			assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
			assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
			assertThat(container.getVolumeMounts()).extracting(VolumeMount::getMountPath).contains("/tmp");
		}
		Volume tmp = volume(pod, "tmp");
		assertThat(tmp.getEmptyDir()).isNotNull();
		rendered.all(ServiceAccount.class)
			.forEach((account) -> assertThat(account.getAutomountServiceAccountToken()).isFalse());
	}

	@ParameterizedTest
	@FieldSource("charts")
	void terminationGracePeriodCoversThePreStopSleepAndTheGrpcGracePeriod(String chart) {
		HelmCharts.Rendered rendered = HelmCharts.render(chart, null, "shutdown.preStopSleepSeconds=15",
				"shutdown.gracePeriodSeconds=45", "shutdown.contextCloseSeconds=5", "shutdown.terminationMarginSeconds=8");
		PodSpec pod = rendered.one(Deployment.class).getSpec().getTemplate().getSpec();
		assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(15 + 45 + 5 + 8L);
		assertThat(container(rendered).getLifecycle().getPreStop().getExec().getCommand()).containsExactly("sleep", "15");
		assertThat(applicationProperties(rendered, chart)).containsEntry("platform.grpc.shutdown.grace-period", "45s");

		JsonNode shutdown = values(chart).get("shutdown");
		long defaults = HelmCharts.render(chart, null)
			.one(Deployment.class)
			.getSpec()
			.getTemplate()
			.getSpec()
			.getTerminationGracePeriodSeconds();
		assertThat(defaults).isGreaterThan(
				shutdown.get("preStopSleepSeconds").asLong() + shutdown.get("gracePeriodSeconds").asLong());
	}

	@ParameterizedTest(name = "{0} with {1}")
	@MethodSource("releases")
	void terminationGracePeriodLeavesAMarginAfterTheFinalContextClose(String chart, String valuesFile) {
		HelmCharts.Rendered rendered = render(chart, valuesFile);
		Container container = container(rendered);
		long preStop = Long.parseLong(container.getLifecycle().getPreStop().getExec().getCommand().get(1));
		long grace = Long.parseLong(applicationProperties(rendered, chart).get("platform.grpc.shutdown.grace-period")
			.replace("s", ""));
		JsonNode file = valuesFile.equals("values.yaml") ? values(chart) : Project.yaml("helm/" + chart + "/" + valuesFile);
		long contextClose = file.at("/shutdown/contextCloseSeconds")
			.asLong(values(chart).at("/shutdown/contextCloseSeconds").asLong());
		long termination = rendered.one(Deployment.class).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
		// SIGKILL must not land while the context is still closing (connection pools, executors).
		assertThat(termination).isGreaterThanOrEqualTo(preStop + grace + contextClose + 5);
	}

	@ParameterizedTest
	@FieldSource("charts")
	void clusterIpAndHeadlessServicesExposeTheGrpcPort(String chart) {
		JsonNode values = values(chart);
		int grpcPort = values.at("/ports/grpc").asInt();
		int httpPort = values.at("/ports/http").asInt();
		int managementPort = values.at("/ports/management").asInt();
		HelmCharts.Rendered rendered = HelmCharts.render(chart, null);
		Service clusterIp = rendered.named(Service.class, chart);
		assertThat(clusterIp.getSpec().getType()).isEqualTo("ClusterIP");
		assertThat(clusterIp.getSpec().getPorts())
			.extracting(ServicePort::getName, ServicePort::getPort, ServicePort::getAppProtocol)
			.containsExactly(tuple("grpc", grpcPort, "kubernetes.io/h2c"), tuple("http", httpPort, "http"),
					tuple("management", managementPort, "http"));
		Service headless = rendered.named(Service.class, chart + "-headless");
		assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
		assertThat(headless.getSpec().getPublishNotReadyAddresses()).isFalse();
		assertThat(headless.getSpec().getPorts()).extracting(ServicePort::getName, ServicePort::getPort)
			.containsExactly(tuple("grpc", grpcPort));
		Map<String, String> podLabels = rendered.one(Deployment.class).getSpec().getTemplate().getMetadata().getLabels();
		assertThat(podLabels).containsAllEntriesOf(clusterIp.getSpec().getSelector())
			.containsAllEntriesOf(headless.getSpec().getSelector());

		HelmCharts.Rendered grpcAppProtocol = HelmCharts.render(chart, null, "service.appProtocol=grpc");
		assertThat(grpcAppProtocol.named(Service.class, chart + "-headless").getSpec().getPorts().get(0).getAppProtocol())
			.isEqualTo("grpc");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void podsAreAnnotatedForPrometheusUnlessAServiceMonitorScrapes(String chart) {
		String managementPort = values(chart).at("/ports/management").asText();
		Map<String, String> annotations = podAnnotations(HelmCharts.render(chart, null));
		assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
			.containsEntry("prometheus.io/port", managementPort)
			.containsEntry("prometheus.io/path", "/actuator/prometheus");
		assertThat(podAnnotations(HelmCharts.render(chart, null, "metrics.podAnnotations=false")))
			.doesNotContainKeys("prometheus.io/scrape", "prometheus.io/port", "prometheus.io/path");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void changedConfigurationOrSecretRollsThePods(String chart) {
		Map<String, String> before = podAnnotations(HelmCharts.render(chart, "ci/inline-secrets-values.yaml"));
		Map<String, String> otherConfig = podAnnotations(HelmCharts.render(chart, "ci/inline-secrets-values.yaml",
				"config.platform\\.grpc\\.errors\\.domain=example.org"));
		Map<String, String> otherSecret = podAnnotations(HelmCharts.render(chart, "ci/inline-secrets-values.yaml",
				"security.jwt.issuer=https://other.example.com/", "security.jwt.publicKey=",
				"security.jwt.secret=another-secret-that-is-at-least-32-bytes-long"));
		Map<String, String> otherReplicas = podAnnotations(HelmCharts.render(chart, "ci/inline-secrets-values.yaml",
				"replicaCount=5"));
		assertThat(otherConfig.get("checksum/config")).isNotEqualTo(before.get("checksum/config"));
		assertThat(otherConfig.get("checksum/secret")).isEqualTo(before.get("checksum/secret"));
		assertThat(otherSecret.get("checksum/secret")).isNotEqualTo(before.get("checksum/secret"));
		assertThat(otherReplicas).containsEntry("checksum/config", before.get("checksum/config"))
			.containsEntry("checksum/secret", before.get("checksum/secret"));
	}

	@Test
	void databaseConnectionComesFromValuesAndThePasswordFromAnExistingSecret() {
		HelmCharts.Rendered rendered = HelmCharts.render("user-service", "ci/production-values.yaml");
		assertThat(applicationProperties(rendered, "user-service"))
			.containsEntry("spring.datasource.url", "jdbc:postgresql://users-db.databases.svc:5432/users?sslmode=verify-full")
			.containsEntry("spring.datasource.username", "user_service")
			.doesNotContainKey("spring.datasource.password");
		assertSecretRef(container(rendered), "SPRING_DATASOURCE_PASSWORD", "user-service-db", "password");
		assertThat(rendered.all(Secret.class)).isEmpty();
		assertThat(rendered.yaml()).doesNotContain("PASSWORD\n              value:");
	}

	@Test
	void redisConnectionComesFromValuesAndThePasswordFromAnExistingSecret() {
		HelmCharts.Rendered rendered = HelmCharts.render("chat-service", "ci/production-values.yaml");
		assertThat(applicationProperties(rendered, "chat-service"))
			.containsEntry("spring.data.redis.host", "chat-redis-master.databases.svc")
			.containsEntry("spring.data.redis.port", "6379")
			.containsEntry("chat.broker.type", "redis")
			.containsEntry("spring.grpc.client.channel.user-service.target", "dns:///user-service-headless:9090")
			.containsEntry("grpc.client.user-service.address", "dns:///user-service-headless:9090");
		assertSecretRef(container(rendered), "SPRING_DATA_REDIS_PASSWORD", "chat-redis", "redis-password");
		assertThat(rendered.all(Secret.class)).isEmpty();
	}

	@Test
	void secretsGivenAsValuesAreKeptInTheChartsSecretAndThePublicKeyIsMounted() {
		HelmCharts.Rendered rendered = HelmCharts.render("user-service", "ci/inline-secrets-values.yaml");
		Secret secret = rendered.one(Secret.class);
		assertThat(secret.getData()).containsOnlyKeys("database-password", "jwt-public-key.pem");
		assertThat(rendered.configMap("user-service").getData().get("application.yaml")).doesNotContain("not-a-real-password");
		Container container = container(rendered);
		assertSecretRef(container, "SPRING_DATASOURCE_PASSWORD", "user-service", "database-password");
		PodSpec pod = rendered.one(Deployment.class).getSpec().getTemplate().getSpec();
		Volume jwt = volume(pod, "jwt");
		assertThat(jwt.getSecret().getSecretName()).isEqualTo("user-service");
		assertThat(jwt.getSecret().getItems()).singleElement()
			.satisfies((item) -> assertThat(item.getPath()).isEqualTo("public-key.pem"));
		assertThat(container.getVolumeMounts()).anySatisfy((mount) -> {
			assertThat(mount.getName()).isEqualTo("jwt");
			assertThat(mount.getMountPath()).isEqualTo("/etc/grpc-service/jwt");
		});
		assertThat(applicationProperties(rendered, "user-service"))
			.containsEntry("platform.grpc.security.jwt.public-key-location", "file:/etc/grpc-service/jwt/public-key.pem")
			.containsEntry("platform.grpc.security.jwt.issuer", "https://idp.example.com/")
			.containsEntry("platform.grpc.security.jwt.audiences", "user-service,users-admin");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void jwtKeysComeFromAnExistingSecret(String chart) {
		HelmCharts.Rendered secretKey = HelmCharts.render(chart, null, "security.jwt.existingSecret=jwt-keys",
				"security.jwt.existingSecretKeys.secret=hs256");
		assertSecretRef(container(secretKey), "PLATFORM_GRPC_SECURITY_JWT_SECRET", "jwt-keys", "hs256");
		assertThat(secretKey.all(Secret.class)).isEmpty();

		HelmCharts.Rendered publicKey = HelmCharts.render(chart, null, "security.jwt.existingSecret=jwt-keys",
				"security.jwt.existingSecretKeys.publicKey=tls.pub");
		Volume jwt = volume(publicKey.one(Deployment.class).getSpec().getTemplate().getSpec(), "jwt");
		assertThat(jwt.getSecret().getSecretName()).isEqualTo("jwt-keys");
		assertThat(jwt.getSecret().getItems().get(0).getKey()).isEqualTo("tls.pub");
		assertThat(applicationProperties(publicKey, chart)).containsKey("platform.grpc.security.jwt.public-key-location");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void conflictingOrIncompleteJwtSettingsAreRefused(String chart) {
		assertThat(HelmCharts.renderError(chart, null, "security.jwt.jwkSetUri=https://idp.example.com/jwks",
				"security.jwt.secret=a-secret-that-is-at-least-32-bytes-long"))
			.contains("configure one JWT key source, not security.jwt.jwkSetUri, security.jwt.secret");
		assertThat(HelmCharts.renderError(chart, null, "security.jwt.secret=too-short"))
			.contains("at least 32 bytes");
		assertThat(HelmCharts.renderError(chart, null, "security.jwt.existingSecret=jwt-keys"))
			.contains("security.jwt.existingSecret needs security.jwt.existingSecretKeys");
		assertThat(HelmCharts.renderError(chart, null, "security.jwt.existingSecretKeys.secret=hs256"))
			.contains("security.jwt.existingSecretKeys needs security.jwt.existingSecret");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void configCannotOverrideWhatTheChartSetsNorHoldSecrets(String chart) {
		assertThat(HelmCharts.renderError(chart, null, "config.grpc\\.server\\.port=1234"))
			.contains("config.grpc.server.port is set by the chart from other values");
		assertThat(HelmCharts.renderError(chart, null, "config.spring\\.grpc\\.server\\.port=1234"))
			.contains("config.spring.grpc.server.port is set by the chart from other values");
		assertThat(HelmCharts.renderError(chart, null, "config.platform\\.grpc\\.security\\.jwt\\.issuer=x"))
			.contains("config.platform.grpc.security.jwt.issuer is set by the chart");
		assertThat(HelmCharts.renderError(chart, null, "config.platform\\.grpc\\.security\\.jwt\\.secret=x"))
			.contains("config.platform.grpc.security.jwt.secret is a secret");
		assertThat(HelmCharts.renderError(chart, null, "config.spring\\.datasource\\.password=x"))
			.contains("config.spring.datasource.password is a secret");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void autoscalingOwnsTheReplicaCount(String chart) {
		HelmCharts.Rendered rendered = HelmCharts.render(chart, "ci/production-values.yaml");
		assertThat(rendered.one(Deployment.class).getSpec().getReplicas()).isNull();
		HorizontalPodAutoscaler hpa = rendered.one(HorizontalPodAutoscaler.class);
		assertThat(hpa.getApiVersion()).isEqualTo("autoscaling/v2");
		assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
		assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(chart);
		assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
		assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(12);
		assertThat(HelmCharts.render(chart, null).one(Deployment.class).getSpec().getReplicas()).isEqualTo(2);
		assertThat(HelmCharts.renderError(chart, null, "autoscaling.enabled=true", "autoscaling.minReplicas=5",
				"autoscaling.maxReplicas=3"))
			.contains("autoscaling.minReplicas must not be greater than autoscaling.maxReplicas");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void disruptionBudgetKeepsPodsAvailableDuringDrains(String chart) {
		PodDisruptionBudget defaults = HelmCharts.render(chart, null).one(PodDisruptionBudget.class);
		assertThat(defaults.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
		assertThat(defaults.getSpec().getSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", chart);
		PodDisruptionBudget production = HelmCharts.render(chart, "ci/production-values.yaml").one(PodDisruptionBudget.class);
		assertThat(production.getSpec().getMinAvailable().getIntVal()).isEqualTo(2);
		assertThat(production.getSpec().getMaxUnavailable()).isNull();
		assertThat(HelmCharts.renderError(chart, null, "podDisruptionBudget.minAvailable=1"))
			.contains("set minAvailable or maxUnavailable, not both");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void disruptionBudgetThatAllowsNoEvictionIsRefused(String chart) {
		String useMin = "podDisruptionBudget.maxUnavailable=null";
		assertThat(HelmCharts.renderError(chart, null, "podDisruptionBudget.maxUnavailable=0"))
			.contains("podDisruptionBudget.maxUnavailable 0 allows no voluntary disruption");
		assertThat(HelmCharts.renderError(chart, null, "podDisruptionBudget.maxUnavailable=0%"))
			.contains("podDisruptionBudget.maxUnavailable 0% allows no voluntary disruption");
		assertThat(HelmCharts.renderError(chart, null, useMin, "podDisruptionBudget.minAvailable=2"))
			.contains("podDisruptionBudget.minAvailable 2 keeps all 2 pods (replicaCount) available: it allows no voluntary disruption");
		assertThat(HelmCharts.renderError(chart, null, useMin, "podDisruptionBudget.minAvailable=3"))
			.contains("keeps all 2 pods (replicaCount)");
		assertThat(HelmCharts.renderError(chart, null, useMin, "podDisruptionBudget.minAvailable=100%"))
			.contains("podDisruptionBudget.minAvailable 100% keeps all 2 pods");
		// Kubernetes rounds a percentage up: 60 % of 2 pods is 2.
		assertThat(HelmCharts.renderError(chart, null, useMin, "podDisruptionBudget.minAvailable=60%"))
			.contains("podDisruptionBudget.minAvailable 60% keeps all 2 pods");
		assertThat(HelmCharts.renderError(chart, "ci/production-values.yaml", "podDisruptionBudget.minAvailable=3"))
			.contains("podDisruptionBudget.minAvailable 3 keeps all 3 pods (autoscaling.minReplicas) available");
		assertThat(HelmCharts.renderError(chart, null, "replicaCount=1", useMin, "podDisruptionBudget.minAvailable=1"))
			.contains("keeps all 1 pods (replicaCount)");

		// What leaves at least one pod to evict renders.
		assertThat(HelmCharts.render(chart, null, useMin, "podDisruptionBudget.minAvailable=50%")
			.one(PodDisruptionBudget.class)
			.getSpec()
			.getMinAvailable()
			.getStrVal()).isEqualTo("50%");
		assertThat(HelmCharts.render(chart, null, "podDisruptionBudget.maxUnavailable=10%").all(PodDisruptionBudget.class))
			.hasSize(1);
		assertThat(HelmCharts.render(chart, null, "replicaCount=1").one(PodDisruptionBudget.class).getSpec()
			.getMaxUnavailable()
			.getIntVal()).isEqualTo(1);
		assertThat(HelmCharts.render(chart, null, "podDisruptionBudget.enabled=false", "podDisruptionBudget.maxUnavailable=0")
			.all(PodDisruptionBudget.class)).isEmpty();
	}

	@ParameterizedTest
	@FieldSource("charts")
	void theHttpPortIsOpenedOnlyWhileGrpcWebOrJsonIsEnabledAndActuatorKeepsItsOwnPort(String chart) {
		JsonNode values = values(chart);
		int httpPort = values.at("/ports/http").asInt();
		int managementPort = values.at("/ports/management").asInt();
		assertThat(httpPort).isNotEqualTo(managementPort);
		HelmCharts.Rendered enabled = HelmCharts.render(chart, null,
				"networkPolicy.ingress.httpFrom[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name=ingress-nginx",
				"http.cors.allowedOrigins[0]=https://app.example.com");
		assertThat(applicationProperties(enabled, chart)).containsEntry("server.port", String.valueOf(httpPort))
			.containsEntry("management.server.port", String.valueOf(managementPort))
			.containsEntry("platform.grpc.http.grpc-web.enabled", "true")
			.containsEntry("platform.grpc.http.json.enabled", "true")
			.containsEntry("platform.grpc.http.cors.allowed-origins", "https://app.example.com");
		NetworkPolicyIngressRule httpRule = enabled.one(NetworkPolicy.class)
			.getSpec()
			.getIngress()
			.stream()
			.filter((rule) -> ports(rule.getPorts()).equals(List.of("TCP/" + httpPort)))
			.findFirst()
			.orElseThrow();
		assertThat(httpRule.getFrom()).hasSize(2);
		assertThat(httpRule.getFrom().get(1).getNamespaceSelector().getMatchLabels())
			.containsEntry("kubernetes.io/metadata.name", "ingress-nginx");

		HelmCharts.Rendered onlyGrpcWeb = HelmCharts.render(chart, null, "http.json.enabled=false");
		assertThat(applicationProperties(onlyGrpcWeb, chart)).containsEntry("platform.grpc.http.json.enabled", "false");
		assertThat(container(onlyGrpcWeb).getPorts()).extracting((port) -> port.getName()).contains("http");

		HelmCharts.Rendered disabled = HelmCharts.render(chart, null, "http.grpcWeb.enabled=false", "http.json.enabled=false");
		assertThat(applicationProperties(disabled, chart)).containsEntry("platform.grpc.http.grpc-web.enabled", "false")
			.containsEntry("platform.grpc.http.json.enabled", "false")
			.doesNotContainKey("platform.grpc.http.cors.allowed-origins")
			.containsEntry("management.server.port", String.valueOf(managementPort));
		assertThat(container(disabled).getPorts()).extracting((port) -> port.getName())
			.containsExactly("grpc", "management");
		assertThat(disabled.named(Service.class, chart).getSpec().getPorts()).extracting(ServicePort::getName)
			.containsExactly("grpc", "management");
		assertThat(disabled.one(NetworkPolicy.class).getSpec().getIngress())
			.noneSatisfy((rule) -> assertThat(ports(rule.getPorts())).contains("TCP/" + httpPort));
	}

	@ParameterizedTest
	@FieldSource("charts")
	void aCorsOriginThatIsNotAnOriginIsRefusedBeforeAnythingIsRendered(String chart) {
		assertThat(HelmCharts.renderError(chart, null, "http.cors.allowedOrigins[0]=*")).contains("allowedOrigins");
		assertThat(HelmCharts.renderError(chart, null, "http.cors.allowedOrigins[0]=https://app.example.com/path"))
			.contains("allowedOrigins");
	}

	@Test
	void networkPolicyLetsInAllowedCallersAndMonitoringAndLetsOutDnsAndPostgresql() {
		HelmCharts.Rendered rendered = HelmCharts.render("user-service", null);
		NetworkPolicy policy = rendered.one(NetworkPolicy.class);
		assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
		assertThat(policy.getSpec().getPodSelector().getMatchLabels())
			.isEqualTo(rendered.one(Deployment.class).getSpec().getSelector().getMatchLabels());
		List<NetworkPolicyIngressRule> ingress = policy.getSpec().getIngress();
		assertThat(ingress).hasSize(3);
		assertThat(ports(ingress.get(0).getPorts())).containsExactly("TCP/9090");
		assertThat(ingress.get(0).getFrom()).extracting((peer) -> peer.getPodSelector().getMatchLabels())
			.containsExactly(Map.of("user-service-client", "true"), Map.of("app.kubernetes.io/name", "chat-service"));
		// The HTTP port (JSON, gRPC-Web), enabled in the sample: from the client-labelled pods only by default.
		assertThat(ports(ingress.get(1).getPorts())).containsExactly("TCP/8080");
		assertThat(ingress.get(1).getFrom()).extracting((peer) -> peer.getPodSelector().getMatchLabels())
			.containsExactly(Map.of("user-service-client", "true"));
		assertThat(ports(ingress.get(2).getPorts())).containsExactly("TCP/8081");
		assertThat(ingress.get(2).getFrom()).singleElement()
			.satisfies((peer) -> assertThat(peer.getNamespaceSelector().getMatchLabels())
				.containsEntry("kubernetes.io/metadata.name", "monitoring"));
		List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
		assertThat(egress).extracting((rule) -> ports(rule.getPorts()))
			.containsExactly(List.of("UDP/53", "TCP/53"), List.of("TCP/5432"));
		assertThat(egress.get(0).getTo()).singleElement()
			.satisfies((peer) -> assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("k8s-app", "kube-dns"));
	}

	@Test
	void networkPolicyOfProductionRestrictsTheDatabaseAndOpensTheIdentityProvider() {
		List<NetworkPolicyEgressRule> egress = HelmCharts.render("user-service", "ci/production-values.yaml")
			.one(NetworkPolicy.class)
			.getSpec()
			.getEgress();
		assertThat(egress).extracting((rule) -> ports(rule.getPorts()))
			.containsExactly(List.of("UDP/53", "TCP/53"), List.of("TCP/5432"), List.of("TCP/443"));
		assertThat(egress.get(1).getTo()).singleElement()
			.satisfies((peer) -> assertThat(peer.getNamespaceSelector().getMatchLabels())
				.containsEntry("kubernetes.io/metadata.name", "databases"));
		assertThat(egress.get(2).getTo()).singleElement()
			.satisfies((peer) -> assertThat(peer.getIpBlock().getCidr()).isEqualTo("203.0.113.0/24"));
	}

	@Test
	void networkPolicyOfChatServiceLetsOutRedisAndUserService() {
		List<NetworkPolicyEgressRule> egress = HelmCharts.render("chat-service", null)
			.one(NetworkPolicy.class)
			.getSpec()
			.getEgress();
		assertThat(egress).extracting((rule) -> ports(rule.getPorts()))
			.containsExactly(List.of("UDP/53", "TCP/53"), List.of("TCP/6379"), List.of("TCP/9090"));
		assertThat(egress.get(2).getTo()).singleElement()
			.satisfies((peer) -> assertThat(peer.getPodSelector().getMatchLabels())
				.containsEntry("app.kubernetes.io/name", "user-service"));
	}

	@Test
	void userServiceLetsInTheChatServicePodsThatTheChatChartRenders() {
		NetworkPolicy userPolicy = HelmCharts.render("user-service", null).one(NetworkPolicy.class);
		Map<String, String> chatPodLabels = HelmCharts.render("chat-service", null)
			.one(Deployment.class)
			.getSpec()
			.getTemplate()
			.getMetadata()
			.getLabels();
		assertThat(userPolicy.getSpec().getIngress().get(0).getFrom()).extracting(NetworkPolicyPeer::getPodSelector)
			.anySatisfy((selector) -> assertThat(chatPodLabels).containsAllEntriesOf(selector.getMatchLabels()));
	}

	@ParameterizedTest(name = "with {0}")
	@FieldSource("defaultAndProductionValues")
	void chatServiceReachesUserServiceUnderOtherReleaseNamesAndOverriddenPeerLists(String valuesFile) {
		String values = valuesFile.equals("values.yaml") ? null : valuesFile;
		// Both lists of extra peers overridden, as a user's values file does.
		HelmCharts.Rendered user = HelmCharts.renderRelease("user-service", "users", values,
				"networkPolicy.ingress.grpcFrom[0].ipBlock.cidr=10.0.0.0/8");
		Service userHeadless = user.all(Service.class)
			.stream()
			.filter((service) -> "None".equals(service.getSpec().getClusterIP()))
			.findFirst()
			.orElseThrow();
		int userPort = userHeadless.getSpec().getPorts().get(0).getPort();
		HelmCharts.Rendered chat = HelmCharts.renderRelease("chat-service", "chat", values,
				"grpcChannels.user-service.host=" + userHeadless.getMetadata().getName(),
				"networkPolicy.egress.extra[0].ports[0].port=443");

		String userAddress = "dns:///" + userHeadless.getMetadata().getName() + ":" + userPort;
		assertThat(applicationProperties(chat, "chat-chat-service"))
			.containsEntry("spring.grpc.client.channel.user-service.target", userAddress)
			.containsEntry("grpc.client.user-service.address", userAddress);
		Map<String, String> userPods = podLabels(user);
		assertThat(chat.one(NetworkPolicy.class).getSpec().getEgress()).as("chat-service's egress to user-service")
			.anySatisfy((rule) -> {
				assertThat(rule.getPorts()).extracting((port) -> port.getPort().getIntVal()).containsExactly(userPort);
				assertThat(rule.getTo()).anySatisfy((peer) -> {
					assertThat(peer.getNamespaceSelector()).isNull();
					assertThat(LabelSelectors.matches(peer.getPodSelector(), userPods)).isTrue();
				});
			});
		assertThat(LabelSelectors.admitsToPort(user.one(NetworkPolicy.class), podLabels(chat), userPort))
			.as("user-service lets chat-service's pods in")
			.isTrue();
		assertThat(HelmCharts.renderError("chat-service", values,
				"config.grpc\\.client\\.user-service\\.address=dns:///elsewhere:9090"))
			.contains("config.grpc.client.user-service.address is set by the chart from other values");
		assertThat(HelmCharts.renderError("chat-service", values,
				"config.spring\\.grpc\\.client\\.channel\\.user-service\\.target=dns:///elsewhere:9090"))
			.contains("config.spring.grpc.client.channel.user-service.target is set by the chart from other values");
		assertThat(HelmCharts.notes("chat-service", values)).contains("user-service: dns:///user-service-headless:9090");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void monitoringObjectsAreRenderedOnlyWhenEnabled(String chart) {
		HelmCharts.Rendered defaults = HelmCharts.render(chart, null);
		assertThat(defaults.all(ServiceMonitor.class)).isEmpty();
		assertThat(defaults.all(PrometheusRule.class)).isEmpty();
		assertThat(defaults.all(ConfigMap.class)).extracting((map) -> map.getMetadata().getName()).containsExactly(chart);

		HelmCharts.Rendered serviceMonitorOnly = HelmCharts.render(chart, null, "metrics.serviceMonitor.enabled=true");
		assertThat(serviceMonitorOnly.all(ServiceMonitor.class)).hasSize(1);
		assertThat(serviceMonitorOnly.all(PrometheusRule.class)).isEmpty();
	}

	@ParameterizedTest
	@FieldSource("charts")
	void serviceMonitorScrapesTheManagementPortOfTheClusterIpServiceOnly(String chart) {
		HelmCharts.Rendered rendered = HelmCharts.render(chart, "ci/production-values.yaml");
		ServiceMonitor monitor = rendered.one(ServiceMonitor.class);
		assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
		assertThat(monitor.getSpec().getEndpoints()).singleElement().satisfies((endpoint) -> {
			assertThat(endpoint.getPort()).isEqualTo("management");
			assertThat(endpoint.getPath()).isEqualTo("/actuator/prometheus");
		});
		LabelSelector selector = monitor.getSpec().getSelector();
		assertThat(rendered.named(Service.class, chart).getMetadata().getLabels())
			.containsAllEntriesOf(selector.getMatchLabels());
		assertThat(rendered.named(Service.class, chart + "-headless").getMetadata().getLabels())
			.doesNotContainEntry("grpc-platform.dev/service-type", selector.getMatchLabels().get("grpc-platform.dev/service-type"));
		assertThat(rendered.named(Service.class, chart).getSpec().getPorts()).extracting(ServicePort::getName)
			.contains("management");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void prometheusRuleAlertsOnServerErrorRatioAndLatencyOfThisRelease(String chart) {
		PrometheusRule rule = HelmCharts.render(chart, "ci/production-values.yaml").one(PrometheusRule.class);
		List<Rule> rules = rule.getSpec().getGroups().get(0).getRules();
		assertThat(rules).extracting(Rule::getAlert).containsExactly("GrpcServerErrorRatioHigh", "GrpcServerLatencyHigh");
		assertThat(rules).allSatisfy((alert) -> assertThat(alert.getExpr().getStrVal())
			.contains("job=\"" + chart + "\", namespace=\"" + HelmCharts.NAMESPACE + "\""));
		assertThat(rules.get(0).getExpr().getStrVal()).contains("grpc_server_call_duration_seconds_count")
			.contains("grpc_status=~\"UNKNOWN|DEADLINE_EXCEEDED|UNIMPLEMENTED|INTERNAL|UNAVAILABLE|DATA_LOSS\"")
			.endsWith("> 0.05");
		assertThat(rules.get(1).getExpr().getStrVal()).contains("histogram_quantile(0.99")
			.contains("grpc_server_call_duration_seconds_bucket")
			.contains("grpc_method!~")
			.contains("grpc\\\\.health\\\\.v1\\\\.Health/Watch");
		assertThat(rules).extracting((alert) -> alert.getLabels().get("severity")).containsExactly("critical", "warning");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void dashboardConfigMapIsPickedUpByGrafanaAndShowsThisService(String chart) throws Exception {
		HelmCharts.Rendered rendered = HelmCharts.render(chart, "ci/production-values.yaml");
		ConfigMap dashboard = rendered.configMap(chart + "-dashboard");
		assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
		assertThat(dashboard.getMetadata().getAnnotations()).containsEntry("grafana_folder", "grpc-platform");
		JsonNode json = Project.JSON.readTree(dashboard.getData().get(chart + ".json"));
		assertThat(json.get("title").asText()).isEqualTo("gRPC: " + chart + " (" + HelmCharts.NAMESPACE + ")");
		assertThat(json.get("uid").asText()).startsWith("grpc-").hasSizeLessThanOrEqualTo(40);
		JsonNode job = null;
		for (JsonNode variable : json.at("/templating/list")) {
			if (variable.get("name").asText().equals("job")) {
				job = variable;
			}
		}
		assertThat(job).isNotNull();
		assertThat(job.at("/current/value/0").asText()).isEqualTo(chart);
		String otherUid = Project.JSON
			.readTree(HelmCharts.render(chart, "ci/production-values.yaml", "fullnameOverride=" + chart + "-canary")
				.configMap(chart + "-canary-dashboard")
				.getData()
				.get(chart + "-canary.json"))
			.get("uid")
			.asText();
		assertThat(otherUid).isNotEqualTo(json.get("uid").asText());
	}

	@ParameterizedTest
	@FieldSource("charts")
	void helmTestHookChecksGrpcHealthThroughTheServiceAndIsLetInByTheNetworkPolicy(String chart) {
		int grpcPort = values(chart).at("/ports/grpc").asInt();
		Pod pod = HelmCharts.testHook(chart, null);
		assertThat(pod.getMetadata().getAnnotations()).containsEntry("helm.sh/hook", "test");
		assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
		Container probe = pod.getSpec().getContainers().get(0);
		assertThat(probe.getImage()).startsWith("ghcr.io/grpc-ecosystem/grpc-health-probe:v");
		assertThat(probe.getArgs()).contains("-addr=" + chart + "." + HelmCharts.NAMESPACE + ".svc:" + grpcPort,
				"-service=readiness");
		assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
		assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
		assertThat(probe.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
		assertThat(UnknownFields.in(pod)).isEmpty();
	}

	@ParameterizedTest(name = "{0} with {1}")
	@MethodSource("releasesWithTests")
	void helmTestPodIsNoPodOfTheReleaseAndTheNetworkPolicyLetsItCallTheService(String chart, String valuesFile) {
		HelmCharts.Rendered rendered = render(chart, valuesFile);
		Map<String, String> testPodLabels = HelmCharts.testHook(chart, valuesFile.equals("values.yaml") ? null : valuesFile)
			.getMetadata()
			.getLabels();
		// Were it picked by a selector of the release, the service's NetworkPolicy (egress to DNS and the
		// database only) would drop its call, and the PDB and topology spread would count it.
		List<String> selecting = new ArrayList<>();
		for (HasMetadata object : rendered.objects()) {
			LabelSelectors.podSelectorsOf(object).forEach((path, selector) -> {
				if (LabelSelectors.matches(selector, testPodLabels)) {
					selecting.add(object.getKind() + "/" + object.getMetadata().getName() + " " + path);
				}
			});
		}
		assertThat(selecting).as("selectors that pick the test pod %s", testPodLabels).isEmpty();
		int grpcPort = container(rendered).getPorts().get(0).getContainerPort();
		assertThat(LabelSelectors.admitsToPort(rendered.one(NetworkPolicy.class), testPodLabels, grpcPort))
			.as("the NetworkPolicy lets %s in on %s", testPodLabels, grpcPort)
			.isTrue();
		assertThat(LabelSelectors.podSelectorsOf(rendered.one(Deployment.class))).isNotEmpty()
			.allSatisfy((path, selector) -> assertThat(LabelSelectors.matches(selector, podLabels(rendered))).isTrue());
	}

	@ParameterizedTest
	@FieldSource("charts")
	void notesTellWhereTheServiceIsAndWarnWhenNoJwtKeyIsConfigured(String chart) {
		int grpcPort = values(chart).at("/ports/grpc").asInt();
		String defaults = HelmCharts.notes(chart, null);
		assertThat(defaults).contains(chart + "." + HelmCharts.NAMESPACE + ".svc:" + grpcPort)
			.contains("dns:///" + chart + "-headless." + HelmCharts.NAMESPACE + ".svc:" + grpcPort)
			.contains("helm test " + chart)
			.contains("HTTP (gRPC-Web, HTTP/JSON): http://" + chart + "." + HelmCharts.NAMESPACE + ".svc:"
					+ values(chart).at("/ports/http").asInt())
			.contains("WARNING: no JWT key is configured");
		assertThat(HelmCharts.notes(chart, null, "http.grpcWeb.enabled=false", "http.json.enabled=false"))
			.doesNotContain("HTTP (");
		String production = HelmCharts.notes(chart, "ci/production-values.yaml");
		assertThat(production).doesNotContain("WARNING");
	}

	@ParameterizedTest
	@FieldSource("charts")
	void imageDefaultsToTheAppVersionAndADigestPinsIt(String chart) {
		assertThat(container(HelmCharts.render(chart, null)).getImage())
			.isEqualTo("grpc-platform/" + chart + ":" + Project.yaml("helm/" + chart + "/Chart.yaml").get("appVersion").asText());
		assertThat(container(HelmCharts.render(chart, "ci/production-values.yaml")).getImage())
			.matches("registry\\.example\\.com/grpc-platform/" + chart + "@sha256:[0-9a-f]{64}");
	}

	static JsonNode values(String chart) {
		return Project.yaml("helm/" + chart + "/values.yaml");
	}

	static HelmCharts.Rendered render(String chart, String valuesFile) {
		return HelmCharts.render(chart, valuesFile.equals("values.yaml") ? null : valuesFile);
	}

	static Container container(HelmCharts.Rendered rendered) {
		return rendered.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
	}

	static Map<String, String> applicationProperties(HelmCharts.Rendered rendered, String chart) {
		return Project.flatten(Project.parseYaml(rendered.configMap(chart).getData().get("application.yaml")));
	}

	private static Map<String, String> podLabels(HelmCharts.Rendered rendered) {
		return rendered.one(Deployment.class).getSpec().getTemplate().getMetadata().getLabels();
	}

	private static Map<String, String> podAnnotations(HelmCharts.Rendered rendered) {
		return rendered.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations();
	}

	private static Volume volume(PodSpec pod, String name) {
		return pod.getVolumes()
			.stream()
			.filter((volume) -> volume.getName().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No volume " + name));
	}

	private static void assertGrpcProbe(Probe probe, int port, String service) {
		assertThat(probe).isNotNull();
		assertThat(probe.getGrpc().getPort()).isEqualTo(port);
		assertThat(probe.getGrpc().getService()).isEqualTo(service);
		assertThat(probe.getHttpGet()).isNull();
		assertThat(probe.getTcpSocket()).isNull();
		assertThat(probe.getExec()).isNull();
	}

	private static void assertSecretRef(Container container, String name, String secret, String key) {
		EnvVar variable = container.getEnv()
			.stream()
			.filter((env) -> env.getName().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No environment variable " + name));
		assertThat(variable.getValue()).isNull();
		assertThat(variable.getValueFrom().getSecretKeyRef().getName()).isEqualTo(secret);
		assertThat(variable.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(key);
	}

	private static List<String> ports(List<NetworkPolicyPort> ports) {
		return ports.stream().map((port) -> port.getProtocol() + "/" + port.getPort().getIntVal()).toList();
	}

}
