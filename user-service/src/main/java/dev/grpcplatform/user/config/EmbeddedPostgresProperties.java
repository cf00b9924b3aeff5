package dev.grpcplatform.user.config;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the embedded PostgreSQL that user-service starts when no
 * {@code spring.datasource.url} is configured.
 */
@ConfigurationProperties("user-service.embedded-postgres")
public class EmbeddedPostgresProperties {

	/**
	 * Whether to start an embedded PostgreSQL when spring.datasource.url is not set.
	 */
	private boolean enabled = true;

	/**
	 * Directory that holds the database files, kept across restarts; relative paths are resolved
	 * against the working directory.
	 */
	private Path dataDirectory = Path.of("data", "user-service-pg");

	/**
	 * Port PostgreSQL listens on (loopback); 0 picks a free port at every start.
	 */
	private int port;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Path getDataDirectory() {
		return this.dataDirectory;
	}

	public void setDataDirectory(Path dataDirectory) {
		this.dataDirectory = dataDirectory;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

}
