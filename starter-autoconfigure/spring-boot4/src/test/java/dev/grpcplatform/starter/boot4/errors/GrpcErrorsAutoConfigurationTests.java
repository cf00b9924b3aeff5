package dev.grpcplatform.starter.boot4.errors;

import dev.grpcplatform.starter.boot4.BootGrpcContextRunners;
import dev.grpcplatform.starter.errors.DataAccessExceptionMapper;
import dev.grpcplatform.starter.errors.ErrorMappingServerInterceptor;
import dev.grpcplatform.starter.errors.GrpcExceptionTranslator;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.DataAccessException;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.grpc.server.exception.GrpcExceptionHandlerInterceptor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcErrorsAutoConfiguration}.
 */
class GrpcErrorsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = BootGrpcContextRunners
		.server(GrpcErrorsAutoConfiguration.class)
		.withBean(EchoGrpcService.class);

	@Test
	void interceptorIsGlobalAndSitsInsideSpringBootsExceptionHandler() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ErrorMappingServerInterceptor.class)
				.hasSingleBean(GrpcExceptionHandlerInterceptor.class)
				.hasSingleBean(DataAccessExceptionMapper.class);
			assertThat(context.getBeanNamesForAnnotation(GlobalServerInterceptor.class))
				.contains("grpcErrorMappingServerInterceptor");
		});
	}

	@Test
	void enabledExplicitlyRegistersTheInterceptor() {
		this.contextRunner.withPropertyValues("platform.grpc.errors.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(ErrorMappingServerInterceptor.class));
	}

	@Test
	void disabledLeavesErrorsToSpringBoot() {
		this.contextRunner.withPropertyValues("platform.grpc.errors.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ErrorMappingServerInterceptor.class)
				.hasSingleBean(GrpcExceptionHandlerInterceptor.class));
	}

	@Test
	void noDataAccessMappingWithoutSpringTx() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(DataAccessException.class))
			.run((context) -> assertThat(context).hasSingleBean(ErrorMappingServerInterceptor.class)
				.doesNotHaveBean(DataAccessExceptionMapper.class));
	}

	@Test
	void nothingIsRegisteredWithoutSpringGrpc() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(GlobalServerInterceptor.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ErrorMappingServerInterceptor.class));
	}

	@Test
	void userTranslatorWins() {
		GrpcExceptionTranslator user = new GrpcExceptionTranslator("example.com", java.util.List.of());
		this.contextRunner.withBean(GrpcExceptionTranslator.class, () -> user)
			.run((context) -> assertThat(context.getBean(GrpcExceptionTranslator.class)).isSameAs(user));
	}

}
