package dev.grpcplatform.user.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.springframework.util.FileSystemUtils;

/**
 * Real PostgreSQL for tests, run by the test rather than the application, on a fixed port and
 * data directory so that it can be stopped and started again under a running application.
 */
public final class TestDatabase implements AutoCloseable {

	private final Path dataDirectory;

	private final int port;

	private EmbeddedPostgres postgres;

	private TestDatabase(Path dataDirectory, int port) {
		this.dataDirectory = dataDirectory;
		this.port = port;
	}

	/**
	 * Starts a new, empty database.
	 * @return the running database
	 */
	public static TestDatabase start() {
		try {
			TestDatabase database = new TestDatabase(Files.createTempDirectory("user-service-test-pg"), freePort());
			database.restart();
			return database;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Starts the server again on the same port and data directory.
	 */
	public void restart() {
		if (this.postgres != null) {
			throw new IllegalStateException("already running");
		}
		try {
			this.postgres = EmbeddedPostgres.builder()
				.setDataDirectory(this.dataDirectory)
				.setCleanDataDirectory(false)
				.setPort(this.port)
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Stops the server (fast shutdown: open connections are terminated), keeping its data.
	 */
	public void stop() {
		try {
			this.postgres.close();
			this.postgres = null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Returns the properties that point an application at this database.
	 * @return {@code key=value} properties
	 */
	public String[] properties() {
		return new String[] { "spring.datasource.url=jdbc:postgresql://localhost:" + this.port + "/postgres",
				"spring.datasource.username=postgres" };
	}

	/**
	 * Runs SQL statements.
	 * @param sql the statements
	 */
	public void execute(String sql) {
		try (Connection connection = this.postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Runs a query that returns one number.
	 * @param sql the query
	 * @return the number
	 */
	public long queryForLong(String sql) {
		try (Connection connection = this.postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement();
				ResultSet resultSet = statement.executeQuery(sql)) {
			resultSet.next();
			return resultSet.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		if (this.postgres != null) {
			stop();
		}
		FileSystemUtils.deleteRecursively(this.dataDirectory.toFile());
	}

}
