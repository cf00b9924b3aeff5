package dev.grpcplatform.starter.errors;

import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.testing.TestGrpcApplication;
import dev.grpcplatform.starter.testing.TestServers;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.grpc.server.advice.GrpcAdvice;
import org.springframework.grpc.server.exception.GrpcExceptionHandler;

import static dev.grpcplatform.starter.errors.GrpcErrorsIntegrationTests.assertBaseHandlerDecidesDuplicatesAndThePlatformTheRest;
import static dev.grpcplatform.starter.errors.GrpcErrorsIntegrationTests.callEcho;
import static dev.grpcplatform.starter.errors.GrpcErrorsIntegrationTests.errorInfo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for spring-grpc's own exception handling beside the platform's error mapping on
 * Spring Boot 4.1, over a real socket: {@code @GrpcAdvice} beans and {@code GrpcExceptionHandler}
 * beans decide the status of the exceptions they handle, the platform maps the rest. Spring Boot
 * 4.1 only: these are spring-grpc's types, which do not exist on Spring Boot 3.5 (its edge tests
 * net.devh's {@code @GrpcAdvice}); the rest of the error mapping is tested once for both lines in
 * {@link GrpcErrorsIntegrationTests}.
 */
class SpringGrpcExceptionHandlingIntegrationTests {

	@Test
	void grpcAdviceDecidesTheStatusOfTheExceptionsItHandles() throws Exception {
		try (RunningGrpcApplication server = TestServers
			.start(new Class<?>[] { TestGrpcApplication.class, AdviceConfiguration.class })) {
			assertBaseHandlerDecidesDuplicatesAndThePlatformTheRest(server, "advised: too many echoes");
		}
	}

	@Test
	void exceptionHandlerBeanDecidesTheStatusOfTheExceptionsItHandles() throws Exception {
		try (RunningGrpcApplication server = TestServers
			.start(new Class<?>[] { TestGrpcApplication.class, HandlerConfiguration.class })) {
			assertBaseHandlerDecidesDuplicatesAndThePlatformTheRest(server, "handled: too many echoes");
		}
	}

	@Test
	void exceptionHandlerThatFailsLeavesTheExceptionToThePlatform() {
		try (RunningGrpcApplication server = TestServers
			.start(new Class<?>[] { TestGrpcApplication.class, FailingHandlerConfiguration.class })) {
			StatusRuntimeException ex = callEcho(EchoServiceGrpc.newBlockingStub(server.newChannel()), "not-found");
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
			assertThat(errorInfo(ex).getReason()).isEqualTo("NOT_FOUND");
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class AdviceConfiguration {

		@Bean
		EchoAdvice echoAdvice() {
			return new EchoAdvice();
		}

	}

	/**
	 * Advice as users of spring-grpc write it.
	 */
	@GrpcAdvice
	public static class EchoAdvice {

		@org.springframework.grpc.server.advice.GrpcExceptionHandler(DuplicateKeyException.class)
		public Status tooManyEchoes(DuplicateKeyException ex) {
			return Status.RESOURCE_EXHAUSTED.withDescription("advised: too many echoes");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HandlerConfiguration {

		@Bean
		GrpcExceptionHandler tooManyEchoesHandler() {
			return (exception) -> (exception instanceof DuplicateKeyException)
					? Status.RESOURCE_EXHAUSTED.withDescription("handled: too many echoes").asException() : null;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingHandlerConfiguration {

		@Bean
		GrpcExceptionHandler failingHandler() {
			return (exception) -> {
				throw new IllegalStateException("handler bug");
			};
		}

	}

}
