package dev.grpcplatform.starter.boot3.errors;

import java.util.NoSuchElementException;

import dev.grpcplatform.starter.errors.DataAccessExceptionMapper;
import dev.grpcplatform.starter.errors.ErrorMappingServerInterceptor;
import dev.grpcplatform.starter.errors.GrpcError;
import dev.grpcplatform.starter.errors.GrpcExceptionMapper;
import dev.grpcplatform.starter.errors.GrpcExceptionTranslator;
import io.grpc.Metadata;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcErrorsAutoConfiguration}.
 */
class GrpcErrorsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GrpcErrorsAutoConfiguration.class));

	@Test
	void interceptorIsRegisteredByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ErrorMappingServerInterceptor.class);
			assertThat(context).hasSingleBean(GrpcExceptionTranslator.class);
			assertThat(context).hasSingleBean(DataAccessExceptionMapper.class);
		});
	}

	@Test
	void interceptorIsRegisteredWhenEnabled() {
		this.contextRunner.withPropertyValues("platform.grpc.errors.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(ErrorMappingServerInterceptor.class));
	}

	@Test
	void nothingIsRegisteredWhenDisabled() {
		this.contextRunner.withPropertyValues("platform.grpc.errors.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(ErrorMappingServerInterceptor.class);
			assertThat(context).doesNotHaveBean(GrpcExceptionTranslator.class);
		});
	}

	@Test
	void domainIsTheApplicationNameUnlessConfigured() {
		this.contextRunner.withPropertyValues("spring.application.name=users")
			.run((context) -> assertThat(context.getBean(GrpcExceptionTranslator.class).getDomain())
				.isEqualTo("users"));
		this.contextRunner.withPropertyValues("spring.application.name=users", "platform.grpc.errors.domain=users.example.com")
			.run((context) -> assertThat(context.getBean(GrpcExceptionTranslator.class).getDomain())
				.isEqualTo("users.example.com"));
		this.contextRunner.run((context) -> assertThat(context.getBean(GrpcExceptionTranslator.class).getDomain())
			.isEqualTo("grpc-platform"));
	}

	@Test
	void dataAccessExceptionsAreMappedWhenSpringTxIsPresent() {
		this.contextRunner.run((context) -> assertThat(translate(context.getBean(GrpcExceptionTranslator.class),
				new DuplicateKeyException("duplicate key value violates unique constraint \"users_pkey\"")))
			.isEqualTo(Status.Code.ALREADY_EXISTS));
	}

	@Test
	void contextStartsWithoutSpringTxAndStillMapsTheJdkExceptions() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(DataAccessException.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(DataAccessExceptionMapper.class);
			assertThat(translate(context.getBean(GrpcExceptionTranslator.class), new NoSuchElementException("gone")))
				.isEqualTo(Status.Code.NOT_FOUND);
		});
	}

	@Test
	void userMapperBeansAreAskedInOrderBeforeTheBuiltIns() {
		this.contextRunner.withUserConfiguration(UserMappersConfiguration.class).run((context) -> {
			GrpcExceptionTranslator translator = context.getBean(GrpcExceptionTranslator.class);
			assertThat(translate(translator, new IllegalArgumentException("bad"))).isEqualTo(Status.Code.OUT_OF_RANGE);
			assertThat(translate(translator, new DuplicateKeyException("dup"))).isEqualTo(Status.Code.ABORTED);
		});
	}

	@Test
	void userTranslatorWins() {
		this.contextRunner.withUserConfiguration(UserTranslatorConfiguration.class).run((context) -> {
			assertThat(context).getBean(GrpcExceptionTranslator.class)
				.isSameAs(context.getBean(UserTranslatorConfiguration.class).translator);
			assertThat(context).hasSingleBean(ErrorMappingServerInterceptor.class);
		});
	}

	@Test
	void userInterceptorWins() {
		this.contextRunner.withUserConfiguration(UserInterceptorConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(ErrorMappingServerInterceptor.class);
			assertThat(context).getBean(ErrorMappingServerInterceptor.class)
				.isSameAs(context.getBean(UserInterceptorConfiguration.class).interceptor);
		});
	}

	private static Status.Code translate(GrpcExceptionTranslator translator, Throwable exception) {
		return translator.translate(exception, "test.Service/Method", new Metadata()).getCode();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserMappersConfiguration {

		@Bean
		@Order(2)
		GrpcExceptionMapper secondMapper() {
			return (exception) -> GrpcError.of(Status.Code.ABORTED, "second");
		}

		@Bean
		@Order(1)
		GrpcExceptionMapper firstMapper() {
			return (exception) -> (exception instanceof IllegalArgumentException)
					? GrpcError.of(Status.Code.OUT_OF_RANGE, "first") : null;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTranslatorConfiguration {

		final GrpcExceptionTranslator translator = new GrpcExceptionTranslator("mine", java.util.List.of());

		@Bean
		GrpcExceptionTranslator myTranslator() {
			return this.translator;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserInterceptorConfiguration {

		final ErrorMappingServerInterceptor interceptor = new ErrorMappingServerInterceptor(
				new GrpcExceptionTranslator("mine", java.util.List.of()));

		@Bean
		ErrorMappingServerInterceptor myErrorMappingServerInterceptor() {
			return this.interceptor;
		}

	}

}
