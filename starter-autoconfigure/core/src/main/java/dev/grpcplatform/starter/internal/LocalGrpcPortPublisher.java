package dev.grpcplatform.starter.internal;

import java.util.Map;

import io.grpc.Server;

import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

/**
 * Publishes the port the gRPC server is bound to as {@code local.grpc.port}, as Spring Boot does
 * with {@code local.server.port}, so that tests started with port {@code 0} can connect; the same
 * property on every Boot line.
 */
public final class LocalGrpcPortPublisher implements GrpcServerLifecycleListener, Ordered {

	/**
	 * Name of the property that holds the bound port.
	 */
	public static final String PROPERTY_NAME = "local.grpc.port";

	private static final String PROPERTY_SOURCE_NAME = "grpcServerPort";

	private final ConfigurableEnvironment environment;

	/**
	 * Creates a publisher into the given environment.
	 * @param environment environment of the application
	 */
	public LocalGrpcPortPublisher(ConfigurableEnvironment environment) {
		this.environment = environment;
	}

	@Override
	public void serverStarted(Server server) {
		int port = server.getPort();
		if (port < 0) {
			return;
		}
		MutablePropertySources sources = this.environment.getPropertySources();
		MapPropertySource updated = new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of(PROPERTY_NAME, port));
		if (sources.contains(PROPERTY_SOURCE_NAME)) {
			sources.replace(PROPERTY_SOURCE_NAME, updated);
		}
		else {
			sources.addFirst(updated);
		}
	}

	@Override
	public int getOrder() {
		// Before the other listeners, so that what they log or publish can already name the port.
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
