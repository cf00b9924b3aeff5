package dev.grpcplatform.starter.boot4.errors;

import java.util.function.Predicate;

import dev.grpcplatform.starter.errors.DataAccessExceptionMapper;
import dev.grpcplatform.starter.errors.ErrorMappingServerInterceptor;
import dev.grpcplatform.starter.errors.GrpcErrorsProperties;
import dev.grpcplatform.starter.errors.GrpcExceptionMapper;
import dev.grpcplatform.starter.errors.GrpcExceptionTranslator;
import dev.grpcplatform.starter.server.PlatformInterceptorOrder;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.grpc.server.advice.GrpcAdviceExceptionHandler;
import org.springframework.grpc.server.advice.GrpcExceptionHandlerMethodResolver;
import org.springframework.grpc.server.exception.GrpcExceptionHandler;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * mapping of exceptions thrown by gRPC handlers to statuses with {@code google.rpc} error details.
 *
 * <p>The platform's interceptor sits inside Spring Boot's {@code GrpcExceptionHandlerInterceptor}
 * (order 1), so it maps handler exceptions first; exceptions that a spring-grpc {@code @GrpcAdvice}
 * declares a {@code @GrpcExceptionHandler} for are passed on to it, so such advice keeps precedence,
 * and so are the exceptions for which one of the application's own spring-grpc
 * {@code GrpcExceptionHandler} beans returns a status (such a bean is asked once by the platform and
 * once more by Spring Boot, which then uses its answer).
 */
@AutoConfiguration(beforeName = "org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration")
@ConditionalOnClass(GlobalServerInterceptor.class)
@ConditionalOnProperty(prefix = "platform.grpc.errors", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(GrpcErrorsProperties.class)
public final class GrpcErrorsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GrpcExceptionTranslator grpcExceptionTranslator(GrpcErrorsProperties properties,
			ObjectProvider<GrpcExceptionMapper> mappers, ObjectProvider<DataAccessExceptionMapper> dataAccessMapper) {
		return GrpcExceptionTranslator.create(properties, mappers, dataAccessMapper);
	}

	@Bean
	@GlobalServerInterceptor
	@Order(PlatformInterceptorOrder.ERRORS)
	@ConditionalOnMissingBean
	ErrorMappingServerInterceptor grpcErrorMappingServerInterceptor(GrpcExceptionTranslator translator,
			ObjectProvider<GrpcExceptionHandlerMethodResolver> adviceResolver,
			ObjectProvider<GrpcExceptionHandler> exceptionHandlers) {
		return new ErrorMappingServerInterceptor(translator,
				handledByGrpcAdvice(adviceResolver.getIfAvailable()).or(handledByExceptionHandlers(exceptionHandlers)));
	}

	private static Predicate<Throwable> handledByExceptionHandlers(ObjectProvider<GrpcExceptionHandler> handlers) {
		// Advice is asked through its resolver above, without running an advice method twice.
		return (exception) -> handlers.orderedStream()
			.filter((handler) -> !(handler instanceof GrpcAdviceExceptionHandler))
			.anyMatch((handler) -> handles(handler, exception));
	}

	private static boolean handles(GrpcExceptionHandler handler, Throwable exception) {
		try {
			return handler.handleException(exception) != null;
		}
		catch (RuntimeException ex) {
			// A handler that fails on the exception leaves it to the platform's mapping.
			return false;
		}
	}

	private static Predicate<Throwable> handledByGrpcAdvice(@Nullable GrpcExceptionHandlerMethodResolver resolver) {
		if (resolver == null) {
			return (exception) -> false;
		}
		return (exception) -> resolver.isMethodMappedForException(exception.getClass());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(DataAccessException.class)
	static class DataAccessExceptionMappingConfiguration {

		@Bean
		@ConditionalOnMissingBean
		DataAccessExceptionMapper grpcDataAccessExceptionMapper() {
			return new DataAccessExceptionMapper();
		}

	}

}
