package dev.grpcplatform.starter.server;

import java.util.Map;

import io.grpc.Server;

import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

import net.devh.boot.grpc.server.event.GrpcServerStartedEvent;

/**
 * Publishes the port the gRPC server is bound to as {@code local.grpc.port}, as Spring Boot does
 * with {@code local.server.port}, so that tests started with {@code grpc.server.port=0} can connect.
 */
public class LocalGrpcPortApplicationListener implements ApplicationListener<GrpcServerStartedEvent> {

	/**
	 * Name of the property that holds the bound port.
	 */
	public static final String PROPERTY_NAME = "local.grpc.port";

	private static final String PROPERTY_SOURCE_NAME = "grpcServerPort";

	private final ConfigurableEnvironment environment;

	public LocalGrpcPortApplicationListener(ConfigurableEnvironment environment) {
		this.environment = environment;
	}

	@Override
	public void onApplicationEvent(GrpcServerStartedEvent event) {
		Server server = event.getServer();
		int port = server.getPort();
		if (port < 0) {
			return;
		}
		MutablePropertySources sources = this.environment.getPropertySources();
		PropertySource<?> existing = sources.get(PROPERTY_SOURCE_NAME);
		MapPropertySource updated = new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of(PROPERTY_NAME, port));
		if (existing != null) {
			sources.replace(PROPERTY_SOURCE_NAME, updated);
		}
		else {
			sources.addFirst(updated);
		}
	}

}
