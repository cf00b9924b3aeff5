package dev.grpcplatform.user.testing;

import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension that runs user-service on a {@link TestDatabase} of its own for all the tests of
 * a class: both start before the class's {@code @BeforeAll} methods and stop after its
 * {@code @AfterAll} methods. Register it on a static field with {@code @RegisterExtension}.
 */
public final class UserServiceWithDatabase implements BeforeAllCallback, AfterAllCallback {

	private final Class<?>[] extraSources;

	private TestDatabase database;

	private RunningGrpcApplication service;

	/**
	 * Creates the extension for the service with the given configuration classes added.
	 * @param extraSources configuration classes added to the application
	 */
	public UserServiceWithDatabase(Class<?>... extraSources) {
		this.extraSources = extraSources;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.database = TestDatabase.start();
		this.service = UserServiceUnderTest.start(this.extraSources, this.database.properties());
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.service != null) {
			this.service.close();
		}
		if (this.database != null) {
			this.database.close();
		}
	}

	/**
	 * Returns the database the service stores its users in.
	 * @return the database
	 */
	public TestDatabase database() {
		return this.database;
	}

	/**
	 * Returns the running service.
	 * @return the service
	 */
	public RunningGrpcApplication service() {
		return this.service;
	}

}
