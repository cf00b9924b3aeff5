package dev.grpcplatform.starter.boot3.tracing;

import dev.grpcplatform.starter.tracing.GrpcTracing;
import dev.grpcplatform.starter.tracing.TracingClientInterceptor;
import dev.grpcplatform.starter.tracing.TracingServerInterceptor;
import dev.grpcplatform.starter.tracing.TracingServerStreamTracerFactory;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import net.devh.boot.grpc.client.interceptor.GrpcGlobalClientInterceptor;
import net.devh.boot.grpc.server.interceptor.GrpcGlobalServerInterceptor;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcTracingAutoConfiguration}.
 */
class GrpcTracingAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GrpcTracingAutoConfiguration.class));

	@Test
	void applicationsOpenTelemetryTracesServerAndClientCalls() {
		this.contextRunner.withBean(OpenTelemetry.class, GrpcTracingAutoConfigurationTests::sdk).run((context) -> {
			assertThat(context.getBean(GrpcTracing.class).isEnabled()).isTrue();
			assertThat(context).hasSingleBean(TracingServerStreamTracerFactory.class)
				.hasSingleBean(GrpcServerConfigurer.class);
			assertThat(context.getBeansWithAnnotation(GrpcGlobalServerInterceptor.class))
				.containsValue(context.getBean(TracingServerInterceptor.class));
			assertThat(context.getBeansWithAnnotation(GrpcGlobalClientInterceptor.class))
				.containsValue(context.getBean(TracingClientInterceptor.class));
		});
	}

	@Test
	void withoutAnSdkTracingIsInactive() {
		this.contextRunner.run((context) -> assertThat(context.getBean(GrpcTracing.class).isEnabled()).isFalse());
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withBean(OpenTelemetry.class, GrpcTracingAutoConfigurationTests::sdk)
			.withPropertyValues("platform.grpc.tracing.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcTracing.class)
				.doesNotHaveBean(TracingServerInterceptor.class)
				.doesNotHaveBean(TracingClientInterceptor.class)
				.doesNotHaveBean(GrpcServerConfigurer.class));
	}

	@Test
	void enabledByProperty() {
		this.contextRunner.withPropertyValues("platform.grpc.tracing.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(GrpcTracing.class));
	}

	@Test
	void backsOffWithoutTheOpenTelemetryApi() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.opentelemetry"))
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcTracing.class)
				.doesNotHaveBean(TracingServerInterceptor.class));
	}

	@Test
	void withoutNetDevhOnlyTheTracingItselfIsConfigured() {
		this.contextRunner
			.withClassLoader(new FilteredClassLoader(GrpcServerConfigurer.class, GrpcGlobalClientInterceptor.class))
			.run((context) -> assertThat(context).hasSingleBean(GrpcTracing.class)
				.doesNotHaveBean(TracingServerInterceptor.class)
				.doesNotHaveBean(TracingClientInterceptor.class));
	}

	@Test
	void userTracingWins() {
		GrpcTracing custom = new GrpcTracing(sdk());
		this.contextRunner.withBean("customTracing", GrpcTracing.class, () -> custom)
			.run((context) -> assertThat(context.getBean(GrpcTracing.class)).isSameAs(custom));
	}

	private static OpenTelemetry sdk() {
		return OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().build()).build();
	}

}
