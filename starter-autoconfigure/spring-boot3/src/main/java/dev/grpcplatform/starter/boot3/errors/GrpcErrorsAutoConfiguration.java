package dev.grpcplatform.starter.boot3.errors;

import java.util.function.Predicate;

import dev.grpcplatform.starter.errors.DataAccessExceptionMapper;
import dev.grpcplatform.starter.errors.ErrorMappingServerInterceptor;
import dev.grpcplatform.starter.errors.GrpcErrorsProperties;
import dev.grpcplatform.starter.errors.GrpcExceptionMapper;
import dev.grpcplatform.starter.errors.GrpcExceptionTranslator;
import dev.grpcplatform.starter.server.PlatformInterceptorOrder;

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

import net.devh.boot.grpc.server.advice.GrpcExceptionHandlerMethodResolver;
import net.devh.boot.grpc.server.autoconfigure.GrpcAdviceAutoConfiguration;
import net.devh.boot.grpc.server.autoconfigure.GrpcServerFactoryAutoConfiguration;
import net.devh.boot.grpc.server.interceptor.GrpcGlobalServerInterceptor;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * mapping of exceptions thrown by gRPC handlers to statuses with {@code google.rpc} error details.
 *
 * <p>net.devh's {@code @GrpcAdvice} handling stays in charge of the exceptions it has a
 * {@code @GrpcExceptionHandler} for.
 */
@AutoConfiguration(after = GrpcAdviceAutoConfiguration.class, before = GrpcServerFactoryAutoConfiguration.class)
@ConditionalOnClass(GrpcGlobalServerInterceptor.class)
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
	@GrpcGlobalServerInterceptor
	@Order(PlatformInterceptorOrder.ERRORS)
	@ConditionalOnMissingBean
	ErrorMappingServerInterceptor grpcErrorMappingServerInterceptor(GrpcExceptionTranslator translator,
			ObjectProvider<GrpcExceptionHandlerMethodResolver> adviceResolver) {
		return new ErrorMappingServerInterceptor(translator, handledByGrpcAdvice(adviceResolver.getIfAvailable()));
	}

	private static Predicate<Throwable> handledByGrpcAdvice(GrpcExceptionHandlerMethodResolver resolver) {
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
