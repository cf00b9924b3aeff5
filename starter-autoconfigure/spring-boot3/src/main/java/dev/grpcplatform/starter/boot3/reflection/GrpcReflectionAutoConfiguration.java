package dev.grpcplatform.starter.boot3.reflection;

import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

import net.devh.boot.grpc.server.autoconfigure.GrpcServerFactoryAutoConfiguration;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of gRPC
 * server reflection, both {@code grpc.reflection.v1} and the older {@code v1alpha} that many tools
 * still try first.
 *
 * <p>Replaces net.devh's reflection service, which registers only {@code v1alpha}.
 */
@AutoConfiguration(before = GrpcServerFactoryAutoConfiguration.class)
@ConditionalOnClass({ ProtoReflectionServiceV1.class, GrpcServerFactoryAutoConfiguration.class })
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
