package dev.grpcplatform.user.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.grpcplatform.proto.user.v1.UserServiceGrpc;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.security.DevelopmentTokens;
import dev.grpcplatform.user.UserServiceApplication;

/**
 * user-service started by the shared {@link RunningGrpcApplication} harness as {@code java -jar}
 * would under the {@code dev} profile, gRPC and the management port on free ports; its channels
 * carry a development token with the scopes {@code users:read} and {@code users:write}.
 */
public final class UserServiceUnderTest {

	private UserServiceUnderTest() {
	}

	/**
	 * Starts the service with the given extra properties ({@code key=value}).
	 * @param properties properties added to the defaults
	 * @return the running service
	 */
	public static RunningGrpcApplication start(String... properties) {
		return start(new Class<?>[0], properties);
	}

	/**
	 * Starts the service with extra configuration classes and properties.
	 * @param extraSources configuration classes added to the application
	 * @param properties properties added to the defaults
	 * @return the running service
	 */
	public static RunningGrpcApplication start(Class<?>[] extraSources, String... properties) {
		List<Class<?>> sources = new ArrayList<>(List.of(extraSources));
		sources.add(0, UserServiceApplication.class);
		return RunningGrpcApplication.builder(sources.toArray(new Class<?>[0]))
			.withWebServer()
			// Actuator on a free port of its own, as the application's YAML keeps it apart.
			.properties("platform.grpc.health.refresh-interval=200ms", "spring.profiles.active=dev",
					"management.server.port=0", "management.server.address=127.0.0.1")
			.properties(properties)
			.bearerToken(DevelopmentTokens.mint("test-client", "users:read", "users:write"))
			.start();
	}

	/**
	 * Returns a blocking stub on the service's shared channel, with a deadline of 30 seconds.
	 * @param service the running service
	 * @return the stub
	 */
	public static UserServiceGrpc.UserServiceBlockingStub blockingStub(RunningGrpcApplication service) {
		return UserServiceGrpc.newBlockingStub(service.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
	}

	/**
	 * Returns an async stub on the service's shared channel.
	 * @param service the running service
	 * @return the stub
	 */
	public static UserServiceGrpc.UserServiceStub asyncStub(RunningGrpcApplication service) {
		return UserServiceGrpc.newStub(service.channel());
	}

	/**
	 * Sends {@code GET} for the given path to the service's management (Actuator) port.
	 * @param service the running service
	 * @param path the path, e.g. {@code /actuator/health/readiness}
	 * @return the HTTP status code
	 */
	public static int managementStatus(RunningGrpcApplication service, String path) {
		return service.managementStatus(path);
	}

}
