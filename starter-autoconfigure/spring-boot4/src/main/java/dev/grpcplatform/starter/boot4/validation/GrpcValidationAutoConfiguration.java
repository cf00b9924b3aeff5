package dev.grpcplatform.starter.boot4.validation;

import build.buf.protovalidate.Config;
import build.buf.protovalidate.Validator;
import build.buf.protovalidate.ValidatorFactory;
import dev.grpcplatform.starter.errors.GrpcErrorsProperties;
import dev.grpcplatform.starter.server.PlatformInterceptorOrder;
import dev.grpcplatform.starter.validation.GrpcValidationProperties;
import dev.grpcplatform.starter.validation.RequestValidationServerInterceptor;
import dev.grpcplatform.starter.validation.ValidatorWarmUp;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.server.GlobalServerInterceptor;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * validation of gRPC request messages with protovalidate.
 *
 * <p>The protovalidate {@link Validator} is a bean, for services that validate other messages
 * themselves; it exists even when request validation is switched off.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration")
@ConditionalOnClass(Validator.class)
@EnableConfigurationProperties({ GrpcValidationProperties.class, GrpcErrorsProperties.class })
public final class GrpcValidationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Validator protovalidateValidator(GrpcValidationProperties properties) {
		Config config = Config.newBuilder().setFailFast(properties.isFailFast()).build();
		return ValidatorFactory.newBuilder().withConfig(config).build();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(GlobalServerInterceptor.class)
	@ConditionalOnProperty(prefix = "platform.grpc.validation", name = "enabled", matchIfMissing = true)
	static class RequestValidationConfiguration {

		@Bean
		@GlobalServerInterceptor
		@Order(PlatformInterceptorOrder.VALIDATION)
		@ConditionalOnMissingBean
		RequestValidationServerInterceptor grpcRequestValidationServerInterceptor(Validator validator,
				GrpcErrorsProperties errorsProperties) {
			return new RequestValidationServerInterceptor(validator, errorsProperties.determineDomain());
		}

		@Bean
		ValidatorWarmUp grpcRequestValidatorWarmUp(Validator validator) {
			return new ValidatorWarmUp(validator);
		}

	}

}
