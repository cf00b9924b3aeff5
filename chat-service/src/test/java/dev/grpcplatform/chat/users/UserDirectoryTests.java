package dev.grpcplatform.chat.users;

import dev.grpcplatform.starter.errors.GrpcErrorException;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What callers of Chat see when user-service does not answer a lookup with a user.
 */
class UserDirectoryTests {

	@Test
	void refusalOfTheForwardedTokenBecomesPermissionDeniedThatNamesTheMissingScope() {
		for (Status refusal : new Status[] { Status.PERMISSION_DENIED, Status.UNAUTHENTICATED }) {
			GrpcErrorException error = (GrpcErrorException) UserDirectory.translate(7, refusal);
			assertThat(error.getError().code()).isEqualTo(Status.Code.PERMISSION_DENIED);
			assertThat(error.getError().message()).contains("users:read");
		}
	}

	@Test
	void unknownUserBecomesNotFoundWithTheUserId() {
		GrpcErrorException error = (GrpcErrorException) UserDirectory.translate(7, Status.NOT_FOUND);
		assertThat(error.getError().code()).isEqualTo(Status.Code.NOT_FOUND);
		assertThat(error.getError().message()).isEqualTo("user 7 not found");
		assertThat(error.getError().metadata()).containsEntry("userId", "7");
	}

	@Test
	void anyOtherFailureBecomesUnavailableAskingToRetry() {
		for (Status failure : new Status[] { Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED, Status.INTERNAL,
				Status.RESOURCE_EXHAUSTED }) {
			GrpcErrorException error = (GrpcErrorException) UserDirectory.translate(7, failure);
			assertThat(error.getError().code()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(error.getError().message()).isEqualTo("user-service unavailable; retry later");
		}
	}

}
