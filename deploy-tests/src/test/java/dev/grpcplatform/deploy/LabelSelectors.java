package dev.grpcplatform.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;

/**
 * Kubernetes label selectors evaluated as the API server does ({@code matchLabels} and
 * {@code matchExpressions} with In, NotIn, Exists, DoesNotExist), and every selector of rendered
 * objects that picks pods.
 */
final class LabelSelectors {

	/** Fields whose value selects pods: Deployments, PDBs, Services, NetworkPolicies, spread and affinity terms. */
	private static final Set<String> SELECTOR_FIELDS = Set.of("selector", "podSelector", "labelSelector");

	/** Fields whose selectors name peers of a NetworkPolicy rule (who may connect), not pods it governs. */
	private static final Set<String> PEER_FIELDS = Set.of("from", "to");

	private LabelSelectors() {
	}

	/**
	 * Whether the selector picks a pod with these labels. An empty selector picks every pod, a
	 * missing one none.
	 */
	static boolean matches(LabelSelector selector, Map<String, String> labels) {
		if (selector == null) {
			return false;
		}
		if (selector.getMatchLabels() != null) {
			for (Map.Entry<String, String> required : selector.getMatchLabels().entrySet()) {
				if (!required.getValue().equals(labels.get(required.getKey()))) {
					return false;
				}
			}
		}
		if (selector.getMatchExpressions() != null) {
			for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
				if (!matches(requirement, labels)) {
					return false;
				}
			}
		}
		return true;
	}

	private static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
		String value = labels.get(requirement.getKey());
		List<String> values = (requirement.getValues() != null) ? requirement.getValues() : List.of();
		return switch (requirement.getOperator()) {
			case "In" -> value != null && values.contains(value);
			case "NotIn" -> value == null || !values.contains(value);
			case "Exists" -> value != null;
			case "DoesNotExist" -> value == null;
			default -> throw new IllegalArgumentException("Unknown operator " + requirement.getOperator());
		};
	}

	/**
	 * Every selector of the object that picks pods, by its path, e.g.
	 * {@code spec.template.spec.topologySpreadConstraints[0].labelSelector}; a Service's plain
	 * {@code spec.selector} map becomes {@code matchLabels}. Selectors of NetworkPolicy peers are left
	 * out: they say who may connect, see {@link #admitsToPort}.
	 */
	static Map<String, LabelSelector> podSelectorsOf(HasMetadata object) {
		Map<String, LabelSelector> selectors = new LinkedHashMap<>();
		try {
			collect(Project.JSON.readTree(HelmCharts.SERIALIZATION.asJson(object)), "", selectors);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return selectors;
	}

	private static void collect(JsonNode node, String path, Map<String, LabelSelector> selectors) {
		if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				collect(node.get(i), path + "[" + i + "]", selectors);
			}
		}
		else if (node.isObject()) {
			for (Map.Entry<String, JsonNode> field : node.properties()) {
				String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
				if (PEER_FIELDS.contains(field.getKey()) && field.getValue().isArray()) {
					continue;
				}
				if (SELECTOR_FIELDS.contains(field.getKey()) && field.getValue().isObject()) {
					JsonNode selector = field.getValue();
					boolean plainMap = !selector.has("matchLabels") && !selector.has("matchExpressions")
							&& !selector.isEmpty();
					selectors.put(fieldPath, HelmCharts.SERIALIZATION.convertValue(
							plainMap ? Map.of("matchLabels", selector) : selector, LabelSelector.class));
				}
				else {
					collect(field.getValue(), fieldPath, selectors);
				}
			}
		}
	}

	/**
	 * Whether an ingress rule of the policy lets a pod with these labels, in the policy's own
	 * namespace, connect to the port.
	 */
	static boolean admitsToPort(NetworkPolicy policy, Map<String, String> labels, int port) {
		for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
			boolean portAllowed = rule.getPorts() == null || rule.getPorts().isEmpty()
					|| rule.getPorts().stream().anyMatch((allowed) -> allowed.getPort().getIntVal() == port);
			if (portAllowed && rule.getFrom().stream().anyMatch((peer) -> admits(peer, labels))) {
				return true;
			}
		}
		return false;
	}

	private static boolean admits(NetworkPolicyPeer peer, Map<String, String> labels) {
		// A peer without a namespaceSelector means the policy's namespace; with one, the namespace's labels
		// would have to be known as well: such peers are not counted here.
		return peer.getIpBlock() == null && peer.getNamespaceSelector() == null && matches(peer.getPodSelector(), labels);
	}

}
