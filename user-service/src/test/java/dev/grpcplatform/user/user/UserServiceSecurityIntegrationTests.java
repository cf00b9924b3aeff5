package dev.grpcplatform.user.user;

import java.util.concurrent.TimeUnit;

import dev.grpcplatform.proto.user.v1.CreateUserRequest;
import dev.grpcplatform.proto.user.v1.GetUserRequest;
import dev.grpcplatform.proto.user.v1.ListUsersRequest;
import dev.grpcplatform.proto.user.v1.UserServiceGrpc;
import dev.grpcplatform.starter.security.DevelopmentTokens;
import dev.grpcplatform.user.testing.UserServiceWithDatabase;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The scopes of UserService over a real socket: users:read for reads, users:write for writes,
 * nothing without a token except health.
 */
class UserServiceSecurityIntegrationTests {

	@RegisterExtension
	static final UserServiceWithDatabase app = new UserServiceWithDatabase();

	@Test
	void callWithoutATokenIsUnauthenticated() {
		UserServiceGrpc.UserServiceBlockingStub anonymous = stub(null);
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> anonymous.getUser(GetUserRequest.newBuilder().setId(1).build()))
			.extracting((ex) -> ex.getStatus().getCode())
			.isEqualTo(Status.Code.UNAUTHENTICATED);
	}

	@Test
	void readerCanReadButNotWrite() {
		UserServiceGrpc.UserServiceBlockingStub reader = stub(DevelopmentTokens.mint("reader", "users:read"));
		assertThat(reader.listUsers(ListUsersRequest.getDefaultInstance())).toIterable().isEmpty();
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> reader
				.createUser(CreateUserRequest.newBuilder().setName("Eve").setEmail("eve@example.com").build()))
			.satisfies((ex) -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
				assertThat(ex.getStatus().getDescription()).doesNotContain("eve@example.com");
			});
	}

	@Test
	void writerWithoutReadScopeCannotRead() {
		UserServiceGrpc.UserServiceBlockingStub writer = stub(DevelopmentTokens.mint("writer", "users:write"));
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> writer.getUser(GetUserRequest.newBuilder().setId(1).build()))
			.extracting((ex) -> ex.getStatus().getCode())
			.isEqualTo(Status.Code.PERMISSION_DENIED);
	}

	@Test
	void healthAnswersWithoutAToken() {
		assertThat(HealthGrpc.newBlockingStub(app.service().newChannel(null))
			.withDeadlineAfter(10, TimeUnit.SECONDS)
			.check(HealthCheckRequest.getDefaultInstance())
			.getStatus()).isEqualTo(ServingStatus.SERVING);
	}

	private static UserServiceGrpc.UserServiceBlockingStub stub(String token) {
		return UserServiceGrpc.newBlockingStub(app.service().newChannel(token)).withDeadlineAfter(30, TimeUnit.SECONDS);
	}

}
