package dev.grpcplatform.starter.boot4.metrics;

import dev.grpcplatform.starter.boot4.BootGrpcContextRunners;
import dev.grpcplatform.starter.boot4.PlatformServerAutoConfiguration;
import dev.grpcplatform.starter.metrics.GrpcClientMetrics;
import dev.grpcplatform.starter.metrics.GrpcServerMetrics;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.core.instrument.binder.grpc.ObservationGrpcServerInterceptor;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerObservationAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.grpc.client.GlobalClientInterceptor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcMetricsAutoConfiguration}.
 */
class GrpcMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = BootGrpcContextRunners
		.server(GrpcMetricsAutoConfiguration.class, PlatformServerAutoConfiguration.class)
		.withBean(EchoGrpcService.class)
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new);

	@Test
	void everyServedMethodHasItsSeriesFromStartAndSpringBootsObservationStaysOff() {
		this.contextRunner
			.withConfiguration(
					AutoConfigurations.of(ObservationAutoConfiguration.class, GrpcServerObservationAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(GrpcServerMetrics.class)
					.hasSingleBean(GrpcClientMetrics.class)
					.doesNotHaveBean(ObservationGrpcServerInterceptor.class);
				assertThat(context.getBeanNamesForAnnotation(GlobalClientInterceptor.class)).contains("grpcClientMetrics");
				assertThat(context.getBean(MeterRegistry.class)
					.find("grpc.server.call.started")
					.tag("grpc.method", "platform.testing.v1.EchoService/Echo")
					.counter()).isNotNull();
			});
	}

	@Test
	void enabledExplicitlyRecordsMetrics() {
		this.contextRunner.withPropertyValues("platform.grpc.metrics.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(GrpcServerMetrics.class));
	}

	@Test
	void disabledRecordsNothing() {
		this.contextRunner.withPropertyValues("platform.grpc.metrics.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcServerMetrics.class)
				.doesNotHaveBean(GrpcClientMetrics.class));
	}

	@Test
	void nothingIsRegisteredWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcServerMetrics.class));
	}

	@Test
	void userServerMetricsWin() {
		GrpcServerMetrics user = new GrpcServerMetrics(new SimpleMeterRegistry());
		this.contextRunner.withBean(GrpcServerMetrics.class, () -> user)
			.run((context) -> assertThat(context.getBean(GrpcServerMetrics.class)).isSameAs(user));
	}

}
