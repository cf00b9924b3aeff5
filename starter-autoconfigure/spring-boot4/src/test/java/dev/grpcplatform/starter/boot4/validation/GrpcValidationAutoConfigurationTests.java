package dev.grpcplatform.starter.boot4.validation;

import build.buf.protovalidate.Validator;
import build.buf.protovalidate.ValidatorFactory;
import dev.grpcplatform.starter.boot4.BootGrpcContextRunners;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import dev.grpcplatform.starter.validation.RequestValidationServerInterceptor;
import dev.grpcplatform.starter.validation.ValidatorWarmUp;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.grpc.server.GlobalServerInterceptor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcValidationAutoConfiguration}.
 */
class GrpcValidationAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = BootGrpcContextRunners
		.server(GrpcValidationAutoConfiguration.class)
		.withBean(EchoGrpcService.class);

	@Test
	void requestValidationIsAGlobalInterceptor() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(Validator.class)
				.hasSingleBean(RequestValidationServerInterceptor.class)
				.hasSingleBean(ValidatorWarmUp.class);
			assertThat(context.getBeanNamesForAnnotation(GlobalServerInterceptor.class))
				.contains("grpcRequestValidationServerInterceptor");
		});
	}

	@Test
	void enabledExplicitlyValidatesRequests() {
		this.contextRunner.withPropertyValues("platform.grpc.validation.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(RequestValidationServerInterceptor.class));
	}

	@Test
	void disabledKeepsTheValidatorForServices() {
		this.contextRunner.withPropertyValues("platform.grpc.validation.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(Validator.class)
				.doesNotHaveBean(RequestValidationServerInterceptor.class));
	}

	@Test
	void nothingIsRegisteredWithoutProtovalidate() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Validator.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RequestValidationServerInterceptor.class));
	}

	@Test
	void userValidatorWins() {
		Validator user = ValidatorFactory.newBuilder().build();
		this.contextRunner.withBean(Validator.class, () -> user)
			.run((context) -> assertThat(context.getBean(Validator.class)).isSameAs(user));
	}

}
