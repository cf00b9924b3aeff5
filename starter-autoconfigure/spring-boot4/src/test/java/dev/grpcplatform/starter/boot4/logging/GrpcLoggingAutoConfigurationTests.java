package dev.grpcplatform.starter.boot4.logging;

import dev.grpcplatform.starter.boot4.BootGrpcContextRunners;
import dev.grpcplatform.starter.logging.GrpcAccessLog;
import dev.grpcplatform.starter.logging.RequestIdServerInterceptor;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.grpc.server.GlobalServerInterceptor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcLoggingAutoConfiguration}.
 */
class GrpcLoggingAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = BootGrpcContextRunners
		.server(GrpcLoggingAutoConfiguration.class)
		.withBean(EchoGrpcService.class);

	@Test
	void requestIdInterceptorIsGlobalAndTheAccessLogATracer() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(GrpcAccessLog.class);
			assertThat(context.getBeanNamesForAnnotation(GlobalServerInterceptor.class))
				.contains("grpcRequestIdServerInterceptor");
		});
	}

	@Test
	void enabledExplicitlyLogs() {
		this.contextRunner.withPropertyValues("platform.grpc.logging.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(GrpcAccessLog.class));
	}

	@Test
	void disabledLogsNothing() {
		this.contextRunner.withPropertyValues("platform.grpc.logging.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcAccessLog.class)
				.doesNotHaveBean(RequestIdServerInterceptor.class));
	}

	@Test
	void nothingIsRegisteredWithoutSlf4j() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(LoggerFactory.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcAccessLog.class));
	}

	@Test
	void userRequestIdInterceptorWins() {
		RequestIdServerInterceptor user = new RequestIdServerInterceptor("x-correlation-id");
		this.contextRunner.withBean(RequestIdServerInterceptor.class, () -> user)
			.run((context) -> assertThat(context.getBean(RequestIdServerInterceptor.class)).isSameAs(user));
	}

}
