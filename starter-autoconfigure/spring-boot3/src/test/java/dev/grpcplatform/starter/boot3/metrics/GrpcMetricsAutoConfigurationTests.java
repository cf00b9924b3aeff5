package dev.grpcplatform.starter.boot3.metrics;

import java.util.concurrent.TimeUnit;

import dev.grpcplatform.starter.metrics.GrpcClientMetrics;
import dev.grpcplatform.starter.metrics.GrpcServerMetrics;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingClientInterceptor;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingServerInterceptor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import net.devh.boot.grpc.client.autoconfigure.GrpcClientMetricAutoConfiguration;
import net.devh.boot.grpc.client.interceptor.GrpcGlobalClientInterceptor;
import net.devh.boot.grpc.server.autoconfigure.GrpcServerMetricAutoConfiguration;
import net.devh.boot.grpc.server.interceptor.GrpcGlobalServerInterceptor;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcMetricsAutoConfiguration}.
 */
class GrpcMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GrpcMetricsAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new);

	@Test
	void serverAndClientMetricsAreRecordedInTheApplicationsRegistry() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(GrpcServerMetrics.class)
				.hasSingleBean(GrpcClientMetrics.class)
				.hasSingleBean(GrpcServerConfigurer.class);
			assertThat(context.getBeansWithAnnotation(GrpcGlobalClientInterceptor.class))
				.containsValue(context.getBean(GrpcClientMetrics.class));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			callHealthCheckOnServerConfiguredBy(context.getBean(GrpcServerConfigurer.class));
			assertThat(registry.get("grpc.server.call.duration")
				.tag("grpc.method", "grpc.health.v1.Health/Check")
				.tag("grpc.status", "OK")
				.timer()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void netDevhMicrometerInterceptorsBackOffAndNoneOfOursIsAppliedInTheirPlace() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(GrpcServerMetricAutoConfiguration.class,
					GrpcClientMetricAutoConfiguration.class))
			.withPropertyValues("grpc.metricsA66Enabled=false")
			.run((context) -> {
				assertThat(context).hasSingleBean(MetricCollectingServerInterceptor.class)
					.hasSingleBean(MetricCollectingClientInterceptor.class)
					.hasBean("netDevhServerMetricsReplacedByPlatform")
					.hasBean("netDevhClientMetricsReplacedByPlatform")
					.doesNotHaveBean("metricCollectingServerInterceptor");
				assertThat(context.getBeansWithAnnotation(GrpcGlobalServerInterceptor.class).values())
					.noneMatch(MetricCollectingServerInterceptor.class::isInstance);
				assertThat(context.getBeansWithAnnotation(GrpcGlobalClientInterceptor.class).values())
					.noneMatch(MetricCollectingClientInterceptor.class::isInstance);
			});
	}

	@Test
	void netDevhMicrometerInterceptorsStayWhenPlatformMetricsAreDisabled() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(GrpcServerMetricAutoConfiguration.class,
					GrpcClientMetricAutoConfiguration.class))
			.withPropertyValues("platform.grpc.metrics.enabled=false")
			.run((context) -> assertThat(context).hasBean("metricCollectingServerInterceptor")
				.doesNotHaveBean(GrpcServerMetrics.class));
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("platform.grpc.metrics.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcServerMetrics.class)
				.doesNotHaveBean(GrpcClientMetrics.class)
				.doesNotHaveBean(GrpcServerConfigurer.class));
	}

	@Test
	void enabledByProperty() {
		this.contextRunner.withPropertyValues("platform.grpc.metrics.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(GrpcServerMetrics.class));
	}

	@Test
	void backsOffWithoutAMeterRegistry() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(GrpcMetricsAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcServerMetrics.class)
				.doesNotHaveBean(GrpcClientMetrics.class));
	}

	@Test
	void backsOffWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcServerMetrics.class));
	}

	@Test
	void serverMetricsWithoutTheNetDevhClientHaveNoClientInterceptor() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(GrpcGlobalClientInterceptor.class))
			.run((context) -> assertThat(context).hasSingleBean(GrpcServerMetrics.class)
				.doesNotHaveBean(GrpcClientMetrics.class));
	}

	@Test
	void userServerMetricsWin() {
		GrpcServerMetrics custom = new GrpcServerMetrics(new SimpleMeterRegistry());
		this.contextRunner.withBean("customMetrics", GrpcServerMetrics.class, () -> custom)
			.run((context) -> assertThat(context.getBean(GrpcServerMetrics.class)).isSameAs(custom));
	}

	@Test
	void userClientMetricsWin() {
		GrpcClientMetrics custom = new GrpcClientMetrics(new SimpleMeterRegistry());
		this.contextRunner.withBean("customMetrics", GrpcClientMetrics.class, () -> custom)
			.run((context) -> assertThat(context.getBean(GrpcClientMetrics.class)).isSameAs(custom));
	}

	private static void callHealthCheckOnServerConfiguredBy(GrpcServerConfigurer configurer) throws Exception {
		String name = InProcessServerBuilder.generateName();
		InProcessServerBuilder builder = InProcessServerBuilder.forName(name)
			.directExecutor()
			.addService(new HealthStatusManager().getHealthService());
		configurer.accept(builder);
		Server server = builder.build().start();
		ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
		try {
			HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
		}
		finally {
			channel.shutdownNow();
			server.shutdownNow();
			server.awaitTermination(5, TimeUnit.SECONDS);
		}
	}

}
