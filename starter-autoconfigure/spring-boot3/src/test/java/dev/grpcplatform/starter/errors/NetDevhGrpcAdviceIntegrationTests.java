package dev.grpcplatform.starter.errors;

import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.testing.TestGrpcApplication;
import dev.grpcplatform.starter.testing.TestServers;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DuplicateKeyException;

import net.devh.boot.grpc.server.advice.GrpcAdvice;
import net.devh.boot.grpc.server.advice.GrpcExceptionHandler;

import static dev.grpcplatform.starter.errors.GrpcErrorsIntegrationTests.assertBaseHandlerDecidesDuplicatesAndThePlatformTheRest;

/**
 * Integration tests for net.devh's {@code @GrpcAdvice} beside the platform's error mapping, over a
 * real socket. Spring Boot 3.5 only: {@code @GrpcAdvice} and {@code @GrpcExceptionHandler} are
 * net.devh's types, which do not exist on Spring Boot 4.1 (its edge tests spring-grpc's own advice
 * and exception handlers instead); the rest of the error mapping is tested once for both lines in
 * {@link GrpcErrorsIntegrationTests}.
 */
class NetDevhGrpcAdviceIntegrationTests {

	@Test
	void grpcAdviceStillDecidesTheStatusOfTheExceptionsItHandles() throws Exception {
		try (RunningGrpcApplication server = TestServers
			.start(new Class<?>[] { TestGrpcApplication.class, AdviceConfiguration.class })) {
			assertBaseHandlerDecidesDuplicatesAndThePlatformTheRest(server, "advised: too many echoes");
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
	 * Advice as users of net.devh write it.
	 */
	@GrpcAdvice
	public static class EchoAdvice {

		@GrpcExceptionHandler(DuplicateKeyException.class)
		public Status tooManyEchoes(DuplicateKeyException ex) {
			return Status.RESOURCE_EXHAUSTED.withDescription("advised: too many echoes");
		}

	}

}
