package dev.grpcplatform.user.user;

import java.util.Iterator;
import java.util.Set;
import java.util.stream.LongStream;

import dev.grpcplatform.proto.user.v1.CreateUserRequest;
import dev.grpcplatform.proto.user.v1.ImportFailure;
import dev.grpcplatform.proto.user.v1.ImportUsersRequest;
import dev.grpcplatform.proto.user.v1.ImportUsersResponse;
import dev.grpcplatform.user.testing.Imports;
import dev.grpcplatform.user.testing.UserServiceUnderTest;
import dev.grpcplatform.user.testing.UserServiceWithDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * ImportUsers of 10,000 items over a real socket into PostgreSQL: invalid items are reported with
 * their indexes and do not cost the valid ones.
 */
class ImportUsersIntegrationTests {

	private static final int ITEMS = 10_000;

	@RegisterExtension
	static final UserServiceWithDatabase app = new UserServiceWithDatabase();

	@Test
	void importOfTenThousandItemsWithThreeInvalidCreatesTheOtherNineThousandNineHundredNinetySeven() {
		// Spread over three batches: the first item, one in the middle of a batch, the last item.
		Set<Long> invalid = Set.of(0L, 5_123L, 9_999L);
		Iterator<ImportUsersRequest> items = LongStream.range(0, ITEMS).mapToObj((i) -> {
			CreateUserRequest.Builder user = CreateUserRequest.newBuilder()
				.setName("Imported " + i)
				.setEmail("imported" + i + "@example.com")
				.addRoles("reader");
			if (invalid.contains(i)) {
				user.setEmail("imported" + i + " at example.com");
			}
			return Imports.item(user.build());
		}).iterator();
		long started = System.nanoTime();
		ImportUsersResponse summary = Imports.importUsers(UserServiceUnderTest.asyncStub(app.service()), items);
		System.out.printf("ImportUsers: %d items in %d ms%n", ITEMS, (System.nanoTime() - started) / 1_000_000);
		assertThat(summary.getCreatedCount()).isEqualTo(9_997);
		assertThat(summary.getFailedCount()).isEqualTo(3);
		assertThat(summary.getFailuresList()).extracting(ImportFailure::getIndex, ImportFailure::getField)
			.containsExactly(tuple(0L, "email"), tuple(5_123L, "email"), tuple(9_999L, "email"));
		assertThat(app.database().queryForLong("SELECT count(*) FROM users")).isEqualTo(9_997);
		assertThat(app.database().queryForLong("SELECT count(*) FROM users WHERE email = 'imported9998@example.com'"))
			.isOne();
	}

}
