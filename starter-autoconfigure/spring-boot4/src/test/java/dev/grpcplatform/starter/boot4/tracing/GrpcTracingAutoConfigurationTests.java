package dev.grpcplatform.starter.boot4.tracing;

import dev.grpcplatform.starter.boot4.BootGrpcContextRunners;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import dev.grpcplatform.starter.tracing.GrpcTracing;
import dev.grpcplatform.starter.tracing.TracingClientInterceptor;
import dev.grpcplatform.starter.tracing.TracingServerInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.grpc.client.GlobalClientInterceptor;
import org.springframework.grpc.server.GlobalServerInterceptor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcTracingAutoConfiguration}.
 */
class GrpcTracingAutoConfigurationTests {

	@RegisterExtension
	static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

	private final ApplicationContextRunner contextRunner = BootGrpcContextRunners
		.server(GrpcTracingAutoConfiguration.class)
		.withBean(EchoGrpcService.class);

	@Test
	void serverAndClientInterceptorsAreGlobalAndUseTheApplicationsOpenTelemetry() {
		this.contextRunner.withBean(OpenTelemetry.class, otel::getOpenTelemetry).run((context) -> {
			assertThat(context.getBean(GrpcTracing.class).isEnabled()).isTrue();
			assertThat(context.getBeanNamesForAnnotation(GlobalServerInterceptor.class))
				.contains("grpcTracingServerInterceptor");
			assertThat(context.getBeanNamesForAnnotation(GlobalClientInterceptor.class))
				.contains("grpcTracingClientInterceptor");
		});
	}

	@Test
	void enabledExplicitlyTraces() {
		this.contextRunner.withPropertyValues("platform.grpc.tracing.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(TracingServerInterceptor.class));
	}

	@Test
	void disabledTracesNothing() {
		this.contextRunner.withPropertyValues("platform.grpc.tracing.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcTracing.class)
				.doesNotHaveBean(TracingClientInterceptor.class));
	}

	@Test
	void nothingIsRegisteredWithoutTheOpenTelemetryApi() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(OpenTelemetry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcTracing.class));
	}

	@Test
	void userTracingWins() {
		GrpcTracing user = new GrpcTracing(OpenTelemetry.noop());
		this.contextRunner.withBean(GrpcTracing.class, () -> user)
			.run((context) -> assertThat(context.getBean(GrpcTracing.class)).isSameAs(user));
	}

}
