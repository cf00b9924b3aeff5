package dev.grpcplatform.deploy;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The selector evaluation that the chart tests rely on agrees with Kubernetes' rules.
 */
class LabelSelectorsTests {

	static final Map<String, String> pod = Map.of("app", "demo", "tier", "backend");

	@Test
	void matchLabelsNeedEveryLabelWithItsValue() {
		assertThat(LabelSelectors.matches(selector(Map.of("app", "demo")), pod)).isTrue();
		assertThat(LabelSelectors.matches(selector(Map.of("app", "demo", "tier", "frontend")), pod)).isFalse();
		assertThat(LabelSelectors.matches(selector(Map.of("release", "demo")), pod)).isFalse();
	}

	@Test
	void matchExpressionsFollowTheirOperators() {
		assertThat(LabelSelectors.matches(expression("tier", "In", "backend", "cache"), pod)).isTrue();
		assertThat(LabelSelectors.matches(expression("tier", "In", "frontend"), pod)).isFalse();
		assertThat(LabelSelectors.matches(expression("tier", "NotIn", "frontend"), pod)).isTrue();
		assertThat(LabelSelectors.matches(expression("release", "NotIn", "demo"), pod)).isTrue();
		assertThat(LabelSelectors.matches(expression("app", "Exists"), pod)).isTrue();
		assertThat(LabelSelectors.matches(expression("app", "DoesNotExist"), pod)).isFalse();
		assertThat(LabelSelectors.matches(expression("release", "DoesNotExist"), pod)).isTrue();
	}

	@Test
	void emptySelectorPicksEveryPodAndMissingSelectorNone() {
		assertThat(LabelSelectors.matches(new LabelSelector(), pod)).isTrue();
		assertThat(LabelSelectors.matches(null, pod)).isFalse();
	}

	@Test
	void podSelectorsOfAnObjectIncludeServiceMapsAndLeaveOutNetworkPolicyPeers() {
		HasMetadata service = new ServiceBuilder().withNewMetadata()
			.withName("demo")
			.endMetadata()
			.withNewSpec()
			.withSelector(Map.of("app", "demo"))
			.endSpec()
			.build();
		assertThat(LabelSelectors.podSelectorsOf(service)).containsOnlyKeys("spec.selector");
		assertThat(LabelSelectors.matches(LabelSelectors.podSelectorsOf(service).get("spec.selector"), pod)).isTrue();
		HasMetadata policy = HelmCharts.SERIALIZATION.unmarshal("""
				apiVersion: networking.k8s.io/v1
				kind: NetworkPolicy
				metadata:
				  name: demo
				spec:
				  podSelector:
				    matchLabels: {app: demo}
				  ingress:
				    - from:
				        - podSelector:
				            matchLabels: {demo-client: "true"}
				""", HasMetadata.class);
		assertThat(LabelSelectors.podSelectorsOf(policy)).containsOnlyKeys("spec.podSelector");
	}

	private static LabelSelector selector(Map<String, String> matchLabels) {
		return new LabelSelector(null, matchLabels);
	}

	private static LabelSelector expression(String key, String operator, String... values) {
		return new LabelSelector(List.of(new LabelSelectorRequirement(key, operator, List.of(values))), null);
	}

}
