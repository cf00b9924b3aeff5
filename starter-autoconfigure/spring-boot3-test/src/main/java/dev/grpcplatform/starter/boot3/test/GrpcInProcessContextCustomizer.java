package dev.grpcplatform.starter.boot3.test;

import java.util.Map;
import java.util.UUID;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Points net.devh's server (and a client named {@value #CLIENT_NAME}) at an in-process server with
 * a name unique to the application context, and switches off the network server.
 */
class GrpcInProcessContextCustomizer implements ContextCustomizer {

	static final String CLIENT_NAME = "inProcess";

	static final String SERVER_NAME_PROPERTY = "grpc.server.in-process-name";

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		String name = "grpc-platform-test-" + UUID.randomUUID();
		Map<String, Object> properties = Map.of(SERVER_NAME_PROPERTY, name, "grpc.server.port", "-1",
				"grpc.client." + CLIENT_NAME + ".address", "in-process:" + name);
		context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("grpcInProcessTest", properties));
	}

	@Override
	public boolean equals(Object obj) {
		return obj != null && obj.getClass() == getClass();
	}

	@Override
	public int hashCode() {
		return getClass().hashCode();
	}

}
