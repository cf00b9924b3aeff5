package dev.grpcplatform.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The unknown-field walk that the chart tests rely on finds what fabric8 silently keeps aside.
 */
class UnknownFieldsTests {

	@Test
	void misspelledFieldDeepInADeploymentIsFound() {
		HasMetadata deployment = HelmCharts.SERIALIZATION.unmarshal("""
				apiVersion: apps/v1
				kind: Deployment
				metadata:
				  name: demo
				spec:
				  selector:
				    matchLabels: {app: demo}
				  template:
				    metadata:
				      labels: {app: demo}
				    spec:
				      containers:
				        - name: demo
				          image: demo
				          livenessProbe:
				            grpc:
				              port: 9090
				              servce: liveness
				""", HasMetadata.class);
		assertThat(UnknownFields.in(deployment)).containsExactly("spec.template.spec.containers[0].livenessProbe.grpc.servce");
	}

	@Test
	void unknownKindIsFound() {
		HasMetadata object = HelmCharts.SERIALIZATION.unmarshal("""
				apiVersion: monitoring.coreos.com/v1
				kind: ServiceMonitr
				metadata:
				  name: demo
				""", HasMetadata.class);
		assertThat(UnknownFields.in(object)).singleElement().asString().contains("unknown kind");
	}

	@Test
	void wellFormedObjectHasNoUnknownFields() {
		HasMetadata service = HelmCharts.SERIALIZATION.unmarshal("""
				apiVersion: v1
				kind: Service
				metadata:
				  name: demo
				spec:
				  clusterIP: None
				  ports:
				    - name: grpc
				      port: 9090
				      appProtocol: kubernetes.io/h2c
				""", HasMetadata.class);
		assertThat(UnknownFields.in(service)).isEmpty();
	}

}
