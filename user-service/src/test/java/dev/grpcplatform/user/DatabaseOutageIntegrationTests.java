package dev.grpcplatform.user;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.grpcplatform.proto.user.v1.CreateUserRequest;
import dev.grpcplatform.proto.user.v1.GetUserRequest;
import dev.grpcplatform.proto.user.v1.ListUsersRequest;
import dev.grpcplatform.proto.user.v1.User;
import dev.grpcplatform.proto.user.v1.UserServiceGrpc;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.user.testing.Imports;
import dev.grpcplatform.user.testing.TestDatabase;
import dev.grpcplatform.user.testing.UserServiceUnderTest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What clients and probes see while PostgreSQL is down, and that both recover, without a restart
 * of the service, once it is back.
 */
class DatabaseOutageIntegrationTests {

	private TestDatabase database;

	private RunningGrpcApplication service;

	@BeforeEach
	void start() {
		this.database = TestDatabase.start();
		this.service = UserServiceUnderTest.start(this.database.properties());
	}

	@AfterEach
	void stop() {
		if (this.service != null) {
			this.service.close();
		}
		if (this.database != null) {
			this.database.close();
		}
	}

	@Test
	void callsFailWithUnavailableAndHealthIsNotServingWhileTheDatabaseIsDownAndBothRecoverAfterwards() {
		User user = UserServiceUnderTest.blockingStub(this.service)
			.createUser(CreateUserRequest.newBuilder().setName("Ada").setEmail("ada@example.com").build())
			.getUser();
		await().atMost(Duration.ofSeconds(20)).until(() -> this.service.health("") == ServingStatus.SERVING);
		assertThat(UserServiceUnderTest.managementStatus(this.service, "/actuator/health/readiness")).isEqualTo(200);

		this.database.stop();

		UserServiceGrpc.UserServiceBlockingStub stub = UserServiceUnderTest.blockingStub(this.service);
		assertUnavailable(() -> stub.getUser(GetUserRequest.newBuilder().setId(user.getId()).build()));
		assertUnavailable(() -> stub
			.createUser(CreateUserRequest.newBuilder().setName("Grace").setEmail("grace@example.com").build()));
		assertUnavailable(() -> stub.listUsers(ListUsersRequest.getDefaultInstance()).forEachRemaining((page) -> {
		}));
		assertUnavailable(() -> Imports.importUsers(UserServiceUnderTest.asyncStub(this.service), List
			.of(Imports.item(CreateUserRequest.newBuilder().setName("Linus").setEmail("linus@example.com").build()))
			.iterator()));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.service.health("") == ServingStatus.NOT_SERVING);
		assertThat(UserServiceUnderTest.managementStatus(this.service, "/actuator/health/readiness")).isEqualTo(503);

		this.database.restart();

		await().atMost(Duration.ofSeconds(30)).until(() -> this.service.health("") == ServingStatus.SERVING);
		assertThat(UserServiceUnderTest.managementStatus(this.service, "/actuator/health/readiness")).isEqualTo(200);
		await().atMost(Duration.ofSeconds(30)).ignoreException(StatusRuntimeException.class).untilAsserted(() -> {
			User read = stub.withDeadlineAfter(10, TimeUnit.SECONDS)
				.getUser(GetUserRequest.newBuilder().setId(user.getId()).build())
				.getUser();
			assertThat(read).isEqualTo(user);
		});
	}

	private static void assertUnavailable(ThrowingCallable call) {
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(call).satisfies((ex) -> {
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(ex.getStatus().getDescription()).isEqualTo("database unavailable; retry later");
		});
	}

}
