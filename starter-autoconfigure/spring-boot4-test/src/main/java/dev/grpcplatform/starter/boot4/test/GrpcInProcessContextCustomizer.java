package dev.grpcplatform.starter.boot4.test;

import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Switches off Spring Boot's gRPC server factories (the network server), names an in-process
 * server unique to the application context, and points Spring Boot's client channel
 * {@value #CHANNEL_NAME} at it.
 */
class GrpcInProcessContextCustomizer implements ContextCustomizer {

	static final String CHANNEL_NAME = "inProcess";

	static final String SERVER_NAME_PROPERTY = "platform.grpc.test.in-process-name";

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		String name = "grpc-platform-test-" + UUID.randomUUID();
		Map<String, Object> properties = Map.of(SERVER_NAME_PROPERTY, name, "spring.grpc.server.factory.enabled",
				"false", "spring.grpc.client.channel." + CHANNEL_NAME + ".target", "in-process:" + name);
		context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("grpcInProcessTest", properties));
	}

	@Override
	public boolean equals(@Nullable Object obj) {
		return obj != null && obj.getClass() == getClass();
	}

	@Override
	public int hashCode() {
		return getClass().hashCode();
	}

}
