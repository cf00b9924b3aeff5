package dev.grpcplatform.starter.boot3.validation;

import build.buf.protovalidate.ValidationResult;
import build.buf.protovalidate.Validator;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.validation.RequestValidationServerInterceptor;
import dev.grpcplatform.starter.validation.ValidatorWarmUp;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcValidationAutoConfiguration}.
 */
class GrpcValidationAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GrpcValidationAutoConfiguration.class));

	@Test
	void validatorAndInterceptorAreRegisteredByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(Validator.class);
			assertThat(context).hasSingleBean(RequestValidationServerInterceptor.class);
			assertThat(context).hasSingleBean(ValidatorWarmUp.class);
		});
	}

	@Test
	void interceptorIsRegisteredWhenEnabled() {
		this.contextRunner.withPropertyValues("platform.grpc.validation.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(RequestValidationServerInterceptor.class));
	}

	@Test
	void whenDisabledOnlyTheValidatorRemainsForServicesToUse() {
		this.contextRunner.withPropertyValues("platform.grpc.validation.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(Validator.class);
			assertThat(context).doesNotHaveBean(RequestValidationServerInterceptor.class);
			assertThat(context).doesNotHaveBean(ValidatorWarmUp.class);
		});
	}

	@Test
	void validatorReportsEveryViolationUnlessFailFast() {
		EchoRequest threeBadFields = EchoRequest.newBuilder().setText("").setEmail("x").setRepeat(-1).build();
		this.contextRunner.run((context) -> assertThat(
				context.getBean(Validator.class).validate(threeBadFields).getViolations())
			.hasSize(3));
		this.contextRunner.withPropertyValues("platform.grpc.validation.fail-fast=true")
			.run((context) -> assertThat(context.getBean(Validator.class).validate(threeBadFields).getViolations())
				.hasSize(1));
	}

	@Test
	void validationWorksWhenErrorMappingIsDisabled() {
		this.contextRunner.withPropertyValues("platform.grpc.errors.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(RequestValidationServerInterceptor.class));
	}

	@Test
	void userValidatorWinsAndIsUsedByTheInterceptor() {
		this.contextRunner.withUserConfiguration(UserValidatorConfiguration.class).run((context) -> {
			assertThat(context).getBean(Validator.class).isSameAs(UserValidatorConfiguration.VALIDATOR);
			assertThat(context).hasSingleBean(RequestValidationServerInterceptor.class);
		});
	}

	@Test
	void userInterceptorWins() {
		this.contextRunner.withUserConfiguration(UserInterceptorConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(RequestValidationServerInterceptor.class);
			assertThat(context).getBean(RequestValidationServerInterceptor.class)
				.isSameAs(UserInterceptorConfiguration.INTERCEPTOR);
		});
	}

	@Test
	void nothingIsRegisteredWithoutProtovalidate() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Validator.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(RequestValidationServerInterceptor.class);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserValidatorConfiguration {

		static final Validator VALIDATOR = (message) -> ValidationResult.EMPTY;

		@Bean
		Validator myValidator() {
			return VALIDATOR;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserInterceptorConfiguration {

		static final RequestValidationServerInterceptor INTERCEPTOR = new RequestValidationServerInterceptor(
				(message) -> ValidationResult.EMPTY, "mine");

		@Bean
		RequestValidationServerInterceptor myRequestValidationServerInterceptor() {
			return INTERCEPTOR;
		}

	}

}
