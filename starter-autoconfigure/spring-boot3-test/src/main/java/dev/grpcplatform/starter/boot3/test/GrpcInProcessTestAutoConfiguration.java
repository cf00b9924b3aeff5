package dev.grpcplatform.starter.boot3.test;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration imported by {@link AutoConfigureGrpcInProcess}: a client channel to the
 * in-process server.
 */
@AutoConfiguration
@ConditionalOnProperty(GrpcInProcessContextCustomizer.SERVER_NAME_PROPERTY)
public final class GrpcInProcessTestAutoConfiguration {

	@Bean(destroyMethod = "shutdownNow")
	@ConditionalOnMissingBean
	ManagedChannel grpcInProcessChannel(Environment environment) {
		String name = environment.getRequiredProperty(GrpcInProcessContextCustomizer.SERVER_NAME_PROPERTY);
		return InProcessChannelBuilder.forName(name).build();
	}

}
