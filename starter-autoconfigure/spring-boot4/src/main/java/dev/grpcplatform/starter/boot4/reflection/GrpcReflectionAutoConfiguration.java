package dev.grpcplatform.starter.boot4.reflection;

import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.server.GrpcServerFactory;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of gRPC
 * server reflection, both {@code grpc.reflection.v1} and the older {@code v1alpha} that many tools
 * still try first.
 *
 * <p>Replaces Spring Boot's reflection service, which registers only {@code v1}
 * ({@code spring.grpc.server.reflection.enabled} defaults to {@code false} while this is enabled).
 * Runs before Spring Boot's gRPC server auto-configuration, which serves every
 * {@code BindableService} bean and starts only when one exists.
 */
@AutoConfiguration(beforeName = { "org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration",
		"org.springframework.boot.grpc.server.autoconfigure.GrpcServerServicesAutoConfiguration" })
@ConditionalOnClass({ ProtoReflectionServiceV1.class, GrpcServerFactory.class })
@ConditionalOnProperty(prefix = "platform.grpc.reflection", name = "enabled", matchIfMissing = true)
public final class GrpcReflectionAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ProtoReflectionServiceV1 grpcReflectionServiceV1() {
		return (ProtoReflectionServiceV1) ProtoReflectionServiceV1.newInstance();
	}

	@Bean
	@ConditionalOnMissingBean
	@SuppressWarnings("deprecation")
	ProtoReflectionService grpcReflectionServiceV1Alpha() {
		return (ProtoReflectionService) ProtoReflectionService.newInstance();
	}

}
