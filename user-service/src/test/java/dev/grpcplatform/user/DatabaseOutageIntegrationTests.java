package dev.grpcplatform.user;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.grpcplatform.proto.user.v1.CreateUserRequest;
import dev.grpcplatform.proto.user.v1.GetUserRequest;
import dev.grpcplatform.proto.user.v1.ImportUsersRequest;
import dev.grpcplatform.proto.user.v1.ImportUsersResponse;
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

	@Test
	void importStreamCutByTheDatabaseStoppingKeepsItsStoredBatchesAndARerunCompletesItWithEveryUserOnce()
			throws InterruptedException {
		int total = 3000;
		int stopAfter = 1500;
		List<ImportUsersRequest> items = IntStream.range(0, total)
			.mapToObj((i) -> Imports.item(CreateUserRequest.newBuilder()
				.setName("Imported " + i)
				.setEmail("imported-" + i + "@example.com")
				.build()))
			.toList();
		CountDownLatch databaseStopped = new CountDownLatch(1);
		// The client sends the first 1500 items, then waits until the database is stopped and sends the rest.
		Iterator<ImportUsersRequest> pausing = new Iterator<>() {

			private int next;

			@Override
			public boolean hasNext() {
				return this.next < total;
			}

			@Override
			public ImportUsersRequest next() {
				if (this.next == stopAfter) {
					try {
						databaseStopped.await(2, TimeUnit.MINUTES);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
				return items.get(this.next++);
			}

		};
		CompletableFuture<ImportUsersResponse> cut = CompletableFuture
			.supplyAsync(() -> Imports.importUsers(UserServiceUnderTest.asyncStub(this.service), pausing));
		await().atMost(Duration.ofSeconds(60))
			.until(() -> this.database.queryForLong("SELECT count(*) FROM users") >= 1000);
		long storedBeforeStop = this.database.queryForLong("SELECT count(*) FROM users");
		this.database.stop();
		databaseStopped.countDown();

		assertThatExceptionOfType(CompletionException.class).isThrownBy(cut::join)
			.havingCause()
			.isInstanceOfSatisfying(StatusRuntimeException.class, (ex) -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
				assertThat(ex.getStatus().getDescription()).isEqualTo("database unavailable; retry later");
			});

		this.database.restart();
		long kept = this.database.queryForLong("SELECT count(*) FROM users");
		assertThat(kept).as("users of the batches stored before the database stopped")
			.isGreaterThanOrEqualTo(storedBeforeStop)
			.isLessThan(total);
		// user-service stores an import in transactions of 500 items (UserImport.BATCH_SIZE)
		assertThat(kept % 500).as("whole batches only").isZero();
		await().atMost(Duration.ofSeconds(30)).until(() -> this.service.health("") == ServingStatus.SERVING);

		ImportUsersResponse rerun = await().atMost(Duration.ofSeconds(60))
			.ignoreException(StatusRuntimeException.class)
			.until(() -> Imports.importUsers(UserServiceUnderTest.asyncStub(this.service), items.iterator()),
					(summary) -> summary != null);
		assertThat(rerun.getCreatedCount()).isEqualTo(total - kept);
		assertThat(rerun.getFailedCount()).isEqualTo(kept);
		assertThat(rerun.getFailuresList()).allSatisfy((failure) -> {
			assertThat(failure.getField()).isEqualTo("email");
			assertThat(failure.getReason()).isEqualTo("email already exists");
			assertThat(failure.getIndex()).isLessThan(kept);
		});
		assertThat(this.database.queryForLong("SELECT count(*) FROM users")).isEqualTo(total);
		assertThat(this.database.queryForLong("SELECT count(DISTINCT email) FROM users")).isEqualTo(total);
		System.out.printf("ImportUsers cut by PostgreSQL stopping: %d of %d users kept in whole batches, "
				+ "UNAVAILABLE to the caller; the re-run created %d and reported %d as stored already; %d users "
				+ "stored, each once%n", kept, total, rerun.getCreatedCount(), rerun.getFailedCount(), total);
	}

	private static void assertUnavailable(ThrowingCallable call) {
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(call).satisfies((ex) -> {
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(ex.getStatus().getDescription()).isEqualTo("database unavailable; retry later");
		});
	}

}
