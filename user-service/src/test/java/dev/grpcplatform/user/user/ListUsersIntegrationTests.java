package dev.grpcplatform.user.user;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

import dev.grpcplatform.proto.user.v1.ListUsersRequest;
import dev.grpcplatform.proto.user.v1.ListUsersResponse;
import dev.grpcplatform.proto.user.v1.User;
import dev.grpcplatform.proto.user.v1.UserServiceGrpc;
import dev.grpcplatform.user.testing.UserServiceUnderTest;
import dev.grpcplatform.user.testing.UserServiceWithDatabase;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * ListUsers over 100,000 users of about 1 KB each (100 MB if held at once): memory stays flat,
 * the server reads no further ahead than flow control lets it, resumes from a token, and stops
 * reading when the client cancels or its deadline passes.
 */
class ListUsersIntegrationTests {

	private static final int USERS = 100_000;

	// Far below what the server would hold if it read all users at once (well over 100 MiB).
	private static final long HEAP_GROWTH_BOUND = 64L * 1024 * 1024;

	@RegisterExtension
	static final UserServiceWithDatabase app = new UserServiceWithDatabase(PageQueryCounter.class);

	private static PageQueryCounter queries;

	@BeforeAll
	static void insertUsers() {
		queries = app.service().context().getBean(PageQueryCounter.class);
		app.database().execute("""
				INSERT INTO users (name, email, status, roles, metadata)
				SELECT 'User ' || g, 'user' || g || '@example.com',
					CASE WHEN g % 10 = 0 THEN 'INACTIVE' ELSE 'ACTIVE' END,
					ARRAY['reader', 'writer'],
					jsonb_build_object('team', repeat('t', 400), 'note', repeat('n', 500))
				FROM generate_series(1, USERS) AS g
				""".replace("USERS", Integer.toString(USERS)));
	}

	@BeforeEach
	void resetCounter() {
		queries.reset();
	}

	@Test
	void listingOneHundredThousandUsersToASlowClientKeepsHeapGrowthBounded() throws InterruptedException {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long baseline = usedHeapAfterGc(memory);
		long maxGrowth = 0;
		long users = 0;
		long lastId = 0;
		int messages = 0;
		long started = System.nanoTime();
		Iterator<ListUsersResponse> pages = stub().listUsers(ListUsersRequest.getDefaultInstance());
		while (pages.hasNext()) {
			ListUsersResponse page = pages.next();
			for (User user : page.getUsersList()) {
				assertThat(user.getId()).isGreaterThan(lastId);
				lastId = user.getId();
			}
			users += page.getUsersCount();
			// A slow reader: the server must wait for it instead of queueing pages.
			if (++messages % 10 == 0) {
				Thread.sleep(5);
			}
			if (messages % 100 == 0) {
				maxGrowth = Math.max(maxGrowth, usedHeapAfterGc(memory) - baseline);
			}
		}
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		System.out.printf("ListUsers: %d users in %d messages, %d ms (measurement GCs included), "
				+ "largest heap growth after GC %.1f MiB (bound %d MiB)%n", users, messages, took.toMillis(),
				maxGrowth / 1024.0 / 1024.0, HEAP_GROWTH_BOUND / 1024 / 1024);
		assertThat(users).isEqualTo(USERS);
		assertThat(queries.count()).isEqualTo(USERS / 100);
		assertThat(maxGrowth).isLessThan(HEAP_GROWTH_BOUND);
	}

	@Test
	void serverReadsNoFurtherAheadOfAPausedClientThanFlowControlAllows() throws Exception {
		Context.CancellableContext call = Context.current().withCancellation();
		try {
			Iterator<ListUsersResponse> pages = call.call(() -> stub().listUsers(ListUsersRequest.getDefaultInstance()));
			for (int i = 0; i < 5; i++) {
				pages.next();
			}
			// The client stops reading; the server fills the transport's windows and then waits
			// (a page of 100 users is about 100 KB, the windows hold a few of them).
			awaitStableQueryCount();
			assertThat(queries.count()).isBetween(5, 5 + 40);
		}
		finally {
			call.cancel(null);
		}
	}

	@Test
	void listingResumesFromAPageTokenAfterTheLastUserOfThatPage() throws Exception {
		ListUsersResponse second;
		Context.CancellableContext firstCall = Context.current().withCancellation();
		try {
			Iterator<ListUsersResponse> first = firstCall
				.call(() -> stub().listUsers(ListUsersRequest.newBuilder().setPageSize(1000).build()));
			first.next();
			second = first.next();
		}
		finally {
			// The client's stream broke here.
			firstCall.cancel(null);
		}
		long lastIdOfSecondPage = second.getUsers(999).getId();
		Iterator<ListUsersResponse> resumed = stub()
			.listUsers(ListUsersRequest.newBuilder().setPageSize(1000).setPageToken(second.getNextPageToken()).build());
		long users = 0;
		long expectedId = lastIdOfSecondPage + 1;
		while (resumed.hasNext()) {
			for (User user : resumed.next().getUsersList()) {
				assertThat(user.getId()).isEqualTo(expectedId++);
				users++;
			}
		}
		assertThat(users).isEqualTo(USERS - 2000);
	}

	@Test
	void cancellingTheStreamStopsTheQueries() throws Exception {
		Context.CancellableContext call = Context.current().withCancellation();
		Iterator<ListUsersResponse> pages = call.call(() -> stub().listUsers(ListUsersRequest.getDefaultInstance()));
		for (int i = 0; i < 20; i++) {
			pages.next();
		}
		call.cancel(null);
		int atCancel = queries.count();
		awaitStableQueryCount();
		// The query running when the cancellation arrived, and on a busy machine one or two that
		// started while it crossed the connection and the server's transport thread (a query takes
		// about a millisecond); a server that ignored it would read on until the client's flow-control
		// windows were full, about ten pages ahead (serverReadsNoFurtherAhead... counts 11).
		assertThat(queries.count()).isLessThanOrEqualTo(atCancel + 3).isLessThan(USERS / 100);
	}

	@Test
	void aDeadlinePassingMidStreamEndsItAndStopsTheQueries() {
		Iterator<ListUsersResponse> pages = UserServiceUnderTest.blockingStub(app.service())
			.withDeadlineAfter(300, TimeUnit.MILLISECONDS)
			.listUsers(ListUsersRequest.getDefaultInstance());
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> {
			while (pages.hasNext()) {
				pages.next();
				Thread.sleep(2);
			}
		}).satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
		awaitStableQueryCount();
		assertThat(queries.count()).isLessThan(USERS / 100);
	}

	private static UserServiceGrpc.UserServiceBlockingStub stub() {
		return UserServiceUnderTest.blockingStub(app.service()).withDeadlineAfter(2, TimeUnit.MINUTES);
	}

	private static void awaitStableQueryCount() {
		int[] last = { -1 };
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
			int now = queries.count();
			boolean stable = now == last[0];
			last[0] = now;
			return stable;
		});
	}

	private static long usedHeapAfterGc(MemoryMXBean memory) {
		System.gc();
		return memory.getHeapMemoryUsage().getUsed();
	}

}
