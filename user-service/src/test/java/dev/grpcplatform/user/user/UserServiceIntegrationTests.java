package dev.grpcplatform.user.user;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.grpcplatform.proto.user.v1.CreateUserRequest;
import dev.grpcplatform.proto.user.v1.GetUserRequest;
import dev.grpcplatform.proto.user.v1.ImportFailure;
import dev.grpcplatform.proto.user.v1.ImportUsersRequest;
import dev.grpcplatform.proto.user.v1.ImportUsersResponse;
import dev.grpcplatform.proto.user.v1.ListUsersRequest;
import dev.grpcplatform.proto.user.v1.ListUsersResponse;
import dev.grpcplatform.proto.user.v1.User;
import dev.grpcplatform.proto.user.v1.UserStatus;
import dev.grpcplatform.user.testing.Imports;
import dev.grpcplatform.user.testing.UserServiceUnderTest;
import dev.grpcplatform.user.testing.UserServiceWithDatabase;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Every RPC of UserService over a real socket on PostgreSQL: what a client gets, and the status of
 * each way a call can go wrong.
 */
class UserServiceIntegrationTests {

	@RegisterExtension
	static final UserServiceWithDatabase app = new UserServiceWithDatabase();

	@BeforeEach
	void emptyTable() {
		app.database().execute("TRUNCATE users");
	}

	@Test
	void createUserReturnsTheUserWithItsIdAndCreationTime() {
		Instant before = Instant.now().minusSeconds(60);
		User user = UserServiceUnderTest.blockingStub(app.service()).createUser(adaWithEveryField().build()).getUser();
		assertThat(user.getId()).isPositive();
		assertThat(user.getName()).isEqualTo("Ada Lovelace");
		assertThat(user.getEmail()).isEqualTo("ada@example.com");
		assertThat(user.getStatus()).isEqualTo(UserStatus.USER_STATUS_ACTIVE);
		assertThat(user.getRolesList()).containsExactly("admin", "billing.read");
		assertThat(user.getPhone()).isEqualTo("+441234567890");
		assertThat(user.getMetadataMap()).containsExactly(java.util.Map.entry("team", "engines"));
		assertThat(Instant.ofEpochSecond(user.getCreatedAt().getSeconds(), user.getCreatedAt().getNanos()))
			.isBetween(before, Instant.now().plusSeconds(60));
	}

	@Test
	void getUserReturnsTheUserAsCreated() {
		User created = create("Grace Hopper", "grace@example.com", UserStatus.USER_STATUS_INACTIVE);
		User read = UserServiceUnderTest.blockingStub(app.service())
			.getUser(GetUserRequest.newBuilder().setId(created.getId()).build())
			.getUser();
		assertThat(read).isEqualTo(created);
		assertThat(read.hasPhone()).isFalse();
		assertThat(read.getStatus()).isEqualTo(UserStatus.USER_STATUS_INACTIVE);
	}

	@Test
	void getUserOfAnUnknownIdFailsWithNotFound() {
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> UserServiceUnderTest.blockingStub(app.service()).getUser(GetUserRequest.newBuilder().setId(424242).build()))
			.satisfies((ex) -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
				assertThat(ex.getStatus().getDescription()).isEqualTo("user 424242 not found");
				assertThat(errorInfo(ex).getReason()).isEqualTo("USER_NOT_FOUND");
			});
	}

	@Test
	void getUserWithAnIdThatIsNotPositiveFailsWithInvalidArgument() {
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> UserServiceUnderTest.blockingStub(app.service()).getUser(GetUserRequest.newBuilder().setId(-1).build()))
			.satisfies((ex) -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
				assertThat(fieldsOf(ex)).containsExactly("id");
			});
	}

	@Test
	void createUserWithAnEmailTakenInAnotherCaseFailsWithAlreadyExists() {
		create("Ada", "ada@example.com", UserStatus.USER_STATUS_ACTIVE);
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> create("Other Ada", "ADA@Example.COM", UserStatus.USER_STATUS_ACTIVE))
			.satisfies((ex) -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
				assertThat(errorInfo(ex).getReason()).isEqualTo("ALREADY_EXISTS");
			});
		assertThat(app.database().queryForLong("SELECT count(*) FROM users")).isEqualTo(1);
	}

	@Test
	void createUserRepeatedWithItsIdempotencyKeyReturnsTheSameUserAndStoresItOnce() {
		CreateUserRequest request = CreateUserRequest.newBuilder()
			.setName("Ada")
			.setEmail("ada@example.com")
			.putMetadata("team", "engines")
			.putMetadata("floor", "2")
			.setIdempotencyKey("3f1c2a7e-create-ada")
			.build();
		User first = UserServiceUnderTest.blockingStub(app.service()).createUser(request).getUser();
		User again = UserServiceUnderTest.blockingStub(app.service()).createUser(request).getUser();
		assertThat(again).isEqualTo(first);
		assertThat(app.database().queryForLong("SELECT count(*) FROM users")).isEqualTo(1);
	}

	@Test
	void createUserWithAnIdempotencyKeyUsedForOtherFieldsFailsWithInvalidArgumentAndStoresNothing() {
		CreateUserRequest request = CreateUserRequest.newBuilder()
			.setName("Ada")
			.setEmail("ada@example.com")
			.setIdempotencyKey("key-1")
			.build();
		UserServiceUnderTest.blockingStub(app.service()).createUser(request);
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> UserServiceUnderTest.blockingStub(app.service())
				.createUser(request.toBuilder().setName("Grace").setEmail("grace@example.com").build()))
			.satisfies((ex) -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
				assertThat(ex.getStatus().getDescription())
					.isEqualTo("idempotency_key was used before for a request with other fields");
				assertThat(errorInfo(ex).getReason()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
				assertThat(fieldsOf(ex)).containsExactly("idempotency_key");
			});
		assertThat(app.database().queryForLong("SELECT count(*) FROM users")).isEqualTo(1);
	}

	@Test
	void createUserWithANewIdempotencyKeyButATakenEmailFailsWithAlreadyExists() {
		create("Ada", "ada@example.com", UserStatus.USER_STATUS_ACTIVE);
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> UserServiceUnderTest.blockingStub(app.service())
				.createUser(CreateUserRequest.newBuilder()
					.setName("Ada")
					.setEmail("ada@example.com")
					.setIdempotencyKey("key-2")
					.build()))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
		assertThat(app.database().queryForLong("SELECT count(*) FROM users")).isEqualTo(1);
	}

	@Test
	void createUserWithAMalformedIdempotencyKeyFailsWithInvalidArgumentNamingIt() {
		for (String key : List.of("two words", "x".repeat(129), "key\u0000")) {
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> UserServiceUnderTest.blockingStub(app.service())
					.createUser(CreateUserRequest.newBuilder()
						.setName("Ada")
						.setEmail("ada@example.com")
						.setIdempotencyKey(key)
						.build()))
				.satisfies((ex) -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
					assertThat(fieldsOf(ex)).containsExactly("idempotency_key");
				});
		}
		assertThat(app.database().queryForLong("SELECT count(*) FROM users")).isZero();
	}

	@Test
	void createUserWithInvalidFieldsFailsWithInvalidArgumentNamingEachField() {
		CreateUserRequest request = CreateUserRequest.newBuilder()
			.setName("   ")
			.setEmail("not an email")
			.addRoles("Admin")
			.setPhone("12345")
			.putMetadata("Bad Key", "v")
			.build();
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> UserServiceUnderTest.blockingStub(app.service()).createUser(request))
			.satisfies((ex) -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
				assertThat(fieldsOf(ex)).containsExactlyInAnyOrder("name", "email", "roles[0]", "phone",
						"metadata[\"Bad Key\"]");
			});
		assertThat(app.database().queryForLong("SELECT count(*) FROM users")).isZero();
	}

	@Test
	void listUsersStreamsEveryUserInPagesOfPageSizeWithATokenOnAllButTheLast() {
		List<Long> ids = createMany(25);
		List<ListUsersResponse> pages = list(ListUsersRequest.newBuilder().setPageSize(10).build());
		assertThat(pages).extracting(ListUsersResponse::getUsersCount).containsExactly(10, 10, 5);
		assertThat(pages.get(0).getNextPageToken()).isNotEmpty();
		assertThat(pages.get(1).getNextPageToken()).isNotEmpty();
		assertThat(pages.get(2).getNextPageToken()).isEmpty();
		assertThat(idsOf(pages)).containsExactlyElementsOf(ids);
	}

	@Test
	void listUsersStreamsEveryFieldOfEachUserAsGetUserReturnsIt() {
		User labelled = UserServiceUnderTest.blockingStub(app.service())
			.createUser(adaWithEveryField().putMetadata("floor", "2").build())
			.getUser();
		User bare = create("Grace Hopper", "grace@example.com", UserStatus.USER_STATUS_INACTIVE);
		List<User> listed = list(ListUsersRequest.getDefaultInstance()).stream()
			.flatMap((page) -> page.getUsersList().stream())
			.toList();
		assertThat(listed).containsExactly(labelled, bare);
		assertThat(listed.get(1).hasPhone()).isFalse();
		assertThat(listed.get(1).getRolesList()).isEmpty();
		assertThat(listed.get(1).getMetadataMap()).isEmpty();
		for (User user : listed) {
			assertThat(UserServiceUnderTest.blockingStub(app.service())
				.getUser(GetUserRequest.newBuilder().setId(user.getId()).build())
				.getUser()).isEqualTo(user);
		}
	}

	@Test
	void listUsersWithoutPageSizeSendsPagesOfOneHundred() {
		createMany(150);
		List<ListUsersResponse> pages = list(ListUsersRequest.getDefaultInstance());
		assertThat(pages).extracting(ListUsersResponse::getUsersCount).containsExactly(100, 50);
	}

	@Test
	void listUsersOfAnEmptyTableEndsWithoutAMessage() {
		assertThat(list(ListUsersRequest.getDefaultInstance())).isEmpty();
	}

	@Test
	void listUsersWithAStatusFilterStreamsOnlyUsersWithThatStatus() {
		User active = create("Active", "active@example.com", UserStatus.USER_STATUS_ACTIVE);
		User inactive = create("Inactive", "inactive@example.com", UserStatus.USER_STATUS_INACTIVE);
		assertThat(idsOf(list(ListUsersRequest.newBuilder().setStatusFilter(UserStatus.USER_STATUS_INACTIVE).build())))
			.containsExactly(inactive.getId());
		assertThat(idsOf(list(ListUsersRequest.newBuilder().setStatusFilter(UserStatus.USER_STATUS_ACTIVE).build())))
			.containsExactly(active.getId());
	}

	@Test
	void listUsersResumesAfterTheLastUserOfThePageTheTokenCameWith() {
		List<Long> ids = createMany(30);
		List<ListUsersResponse> first = list(ListUsersRequest.newBuilder().setPageSize(7).build());
		List<ListUsersResponse> resumed = list(
				ListUsersRequest.newBuilder().setPageSize(7).setPageToken(first.get(1).getNextPageToken()).build());
		assertThat(idsOf(resumed)).containsExactlyElementsOf(ids.subList(14, 30));
	}

	@Test
	void listUsersWithAMalformedPageTokenFailsWithInvalidArgument() {
		for (String token : List.of("not a token", "djE6YWJjOjA", "djE6LTU6MA")) {
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> list(ListUsersRequest.newBuilder().setPageToken(token).build()))
				.satisfies((ex) -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
					assertThat(ex.getStatus().getDescription()).startsWith("page_token is malformed");
					assertThat(fieldsOf(ex)).containsExactly("page_token");
				});
		}
	}

	@Test
	void listUsersWithAPageTokenOfAnotherStatusFilterFailsWithInvalidArgument() {
		createMany(3);
		String token = list(ListUsersRequest.newBuilder().setPageSize(1).build()).get(0).getNextPageToken();
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> list(ListUsersRequest.newBuilder()
				.setPageToken(token)
				.setStatusFilter(UserStatus.USER_STATUS_ACTIVE)
				.build()))
			.satisfies((ex) -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
				assertThat(ex.getStatus().getDescription()).contains("another status_filter");
			});
	}

	@Test
	void listUsersWithAPageSizeAboveOneThousandFailsWithInvalidArgument() {
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> list(ListUsersRequest.newBuilder().setPageSize(1001).build()))
			.satisfies((ex) -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
				assertThat(fieldsOf(ex)).containsExactly("page_size");
			});
	}

	@Test
	void importUsersReportsEachItemThatWasNotCreatedWithItsIndexAndCreatesTheOthers() {
		create("Existing", "existing@example.com", UserStatus.USER_STATUS_ACTIVE);
		List<ImportUsersRequest> items = List.of(Imports.item(user(0)), ImportUsersRequest.getDefaultInstance(),
				Imports.item(user(2).toBuilder().setEmail("not an email").build()),
				Imports.item(user(3).toBuilder().setEmail("EXISTING@example.com").build()), Imports.item(user(4)),
				Imports.item(user(5).toBuilder().setEmail(user(4).getEmail().toUpperCase()).build()),
				Imports.item(user(6).toBuilder().addRoles("ok").addRoles("Not OK").build()));
		ImportUsersResponse summary = Imports.importUsers(UserServiceUnderTest.asyncStub(app.service()), items.iterator());
		assertThat(summary.getCreatedCount()).isEqualTo(2);
		assertThat(summary.getFailedCount()).isEqualTo(5);
		assertThat(summary.getFailuresList())
			.extracting(ImportFailure::getIndex, ImportFailure::getField, ImportFailure::getReason)
			.containsExactly(tuple(1L, "", "user is required"),
					tuple(2L, "email", "must be a valid email address"),
					tuple(3L, "email", "email already exists"), tuple(5L, "email", "email already exists"),
					tuple(6L, "roles[1]", "does not match regex pattern `^[a-z][a-z0-9_.:-]{0,63}$`"));
		assertThat(app.database().queryForLong("SELECT count(*) FROM users")).isEqualTo(3);
	}

	@Test
	void importUsersKeepsTheValidItemsOfABatchInWhichTheDatabaseRejectsOne() {
		app.database().execute("ALTER TABLE users ADD CONSTRAINT test_no_reserved_name CHECK (name <> 'Reserved')");
		try {
			List<ImportUsersRequest> items = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				CreateUserRequest user = (i == 4) ? user(i).toBuilder().setName("Reserved").build() : user(i);
				items.add(Imports.item(user));
			}
			items.add(Imports.item(user(99).toBuilder().setEmail(user(0).getEmail()).build()));
			ImportUsersResponse summary = Imports.importUsers(UserServiceUnderTest.asyncStub(app.service()), items.iterator());
			assertThat(summary.getCreatedCount()).isEqualTo(9);
			assertThat(summary.getFailuresList())
				.extracting(ImportFailure::getIndex, ImportFailure::getField, ImportFailure::getReason)
				.containsExactly(tuple(4L, "", "rejected by the database (constraint violation)"),
						tuple(10L, "email", "email already exists"));
			assertThat(app.database().queryForLong("SELECT count(*) FROM users")).isEqualTo(9);
		}
		finally {
			app.database().execute("ALTER TABLE users DROP CONSTRAINT test_no_reserved_name");
		}
	}

	@Test
	void importUsersOfAnEmptyStreamCreatesNothing() {
		ImportUsersResponse summary = Imports.importUsers(UserServiceUnderTest.asyncStub(app.service()),
				List.<ImportUsersRequest>of().iterator());
		assertThat(summary).isEqualTo(ImportUsersResponse.getDefaultInstance());
	}

	@Test
	void importUsersListsTheFirstThousandFailuresAndCountsAll() {
		Iterator<ImportUsersRequest> items = IntStream.range(0, 1200)
			.mapToObj((i) -> ImportUsersRequest.getDefaultInstance())
			.iterator();
		ImportUsersResponse summary = Imports.importUsers(UserServiceUnderTest.asyncStub(app.service()), items);
		assertThat(summary.getFailedCount()).isEqualTo(1200);
		assertThat(summary.getFailuresCount()).isEqualTo(1000);
		assertThat(summary.getFailures(999).getIndex()).isEqualTo(999);
	}

	static CreateUserRequest user(int i) {
		return CreateUserRequest.newBuilder().setName("User " + i).setEmail("user" + i + "@example.com").build();
	}

	private static CreateUserRequest.Builder adaWithEveryField() {
		return CreateUserRequest.newBuilder()
			.setName("Ada Lovelace")
			.setEmail("ada@example.com")
			.addRoles("admin")
			.addRoles("billing.read")
			.setPhone("+441234567890")
			.putMetadata("team", "engines");
	}

	private static User create(String name, String email, UserStatus status) {
		return UserServiceUnderTest.blockingStub(app.service())
			.createUser(CreateUserRequest.newBuilder().setName(name).setEmail(email).setStatus(status).build())
			.getUser();
	}

	private static List<Long> createMany(int count) {
		List<Long> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ids.add(UserServiceUnderTest.blockingStub(app.service()).createUser(user(i)).getUser().getId());
		}
		return ids;
	}

	private static List<ListUsersResponse> list(ListUsersRequest request) {
		List<ListUsersResponse> pages = new ArrayList<>();
		UserServiceUnderTest.blockingStub(app.service()).withDeadline(null).withDeadlineAfter(Duration.ofSeconds(30).toMillis(),
				java.util.concurrent.TimeUnit.MILLISECONDS).listUsers(request).forEachRemaining(pages::add);
		return pages;
	}

	private static List<Long> idsOf(List<ListUsersResponse> pages) {
		return pages.stream().flatMap((page) -> page.getUsersList().stream()).map(User::getId).toList();
	}

	private static ErrorInfo errorInfo(StatusRuntimeException ex) {
		return StatusProto.fromThrowable(ex)
			.getDetailsList()
			.stream()
			.filter((detail) -> detail.is(ErrorInfo.class))
			.map((detail) -> unpack(detail, ErrorInfo.class))
			.findFirst()
			.orElseThrow();
	}

	private static List<String> fieldsOf(StatusRuntimeException ex) {
		return StatusProto.fromThrowable(ex)
			.getDetailsList()
			.stream()
			.filter((detail) -> detail.is(BadRequest.class))
			.flatMap((detail) -> unpack(detail, BadRequest.class).getFieldViolationsList().stream())
			.map(BadRequest.FieldViolation::getField)
			.toList();
	}

	private static <T extends com.google.protobuf.Message> T unpack(com.google.protobuf.Any any, Class<T> type) {
		try {
			return any.unpack(type);
		}
		catch (InvalidProtocolBufferException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
