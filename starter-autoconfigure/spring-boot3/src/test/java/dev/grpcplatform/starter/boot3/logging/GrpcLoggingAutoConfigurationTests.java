package dev.grpcplatform.starter.boot3.logging;

import dev.grpcplatform.starter.logging.GrpcAccessLog;
import dev.grpcplatform.starter.logging.GrpcLoggingProperties;
import dev.grpcplatform.starter.logging.RequestIdServerInterceptor;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import net.devh.boot.grpc.server.interceptor.GrpcGlobalServerInterceptor;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcLoggingAutoConfiguration}.
 */
class GrpcLoggingAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GrpcLoggingAutoConfiguration.class));

	@Test
	void requestIdsAndAccessLogAtInfoByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(GrpcAccessLog.class).hasSingleBean(GrpcServerConfigurer.class);
			assertThat(context.getBeansWithAnnotation(GrpcGlobalServerInterceptor.class))
				.containsValue(context.getBean(RequestIdServerInterceptor.class));
			GrpcLoggingProperties properties = context.getBean(GrpcLoggingProperties.class);
			assertThat(properties.getAccessLog().getLevel()).isEqualTo(LogLevel.INFO);
			assertThat(properties.getRequestId().getHeader()).isEqualTo("x-request-id");
		});
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("platform.grpc.logging.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcAccessLog.class)
				.doesNotHaveBean(RequestIdServerInterceptor.class)
				.doesNotHaveBean(GrpcServerConfigurer.class));
	}

	@Test
	void enabledByProperty() {
		this.contextRunner.withPropertyValues("platform.grpc.logging.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(GrpcAccessLog.class));
	}

	@Test
	void userAccessLogWins() {
		GrpcAccessLog custom = new GrpcAccessLog(LogLevel.WARN, "x-id", (context) -> null);
		this.contextRunner.withBean("customAccessLog", GrpcAccessLog.class, () -> custom)
			.run((context) -> assertThat(context.getBean(GrpcAccessLog.class)).isSameAs(custom));
	}

	@Test
	void worksWithoutTheOpenTelemetryApi() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.opentelemetry"))
			.run((context) -> assertThat(context).hasSingleBean(GrpcAccessLog.class));
	}

	@Test
	void backsOffWithoutNetDevh() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(GrpcServerConfigurer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcAccessLog.class));
	}

	@Test
	void binaryRequestIdHeaderFailsWithAClearMessage() {
		this.contextRunner.withPropertyValues("platform.grpc.logging.request-id.header=x-request-id-bin")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("platform.grpc.logging.request-id.header must be an ASCII header name"));
	}

	@Test
	void invalidRequestIdHeaderFailsWithAClearMessage() {
		this.contextRunner.withPropertyValues("platform.grpc.logging.request-id.header=request id!")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining(
						"platform.grpc.logging.request-id.header must be a valid header name, not 'request id!'"));
	}

	@Test
	void unknownAccessLogLevelFailsToBind() {
		this.contextRunner.withPropertyValues("platform.grpc.logging.access-log.level=loud")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("platform.grpc.logging.access-log.level"));
	}

}
