package dev.grpcplatform.starter.errors;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link GrpcError}.
 */
class GrpcErrorTests {

	@Test
	void statusRuntimeExceptionCarriesErrorInfoAndBadRequest() throws Exception {
		StatusRuntimeException ex = GrpcError.builder(Status.Code.INVALID_ARGUMENT, "bad user")
			.reason("USER_INVALID")
			.metadata("userId", "7")
			.fieldViolation("email", "must be an email address")
			.build()
			.asStatusRuntimeException("users");
		assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(ex.getStatus().getDescription()).isEqualTo("bad user");
		com.google.rpc.Status status = StatusProto.fromThrowable(ex);
		ErrorInfo errorInfo = status.getDetails(0).unpack(ErrorInfo.class);
		assertThat(errorInfo.getReason()).isEqualTo("USER_INVALID");
		assertThat(errorInfo.getDomain()).isEqualTo("users");
		assertThat(errorInfo.getMetadataMap()).containsEntry("userId", "7");
		BadRequest badRequest = status.getDetails(1).unpack(BadRequest.class);
		assertThat(badRequest.getFieldViolations(0).getField()).isEqualTo("email");
	}

	@Test
	void reasonDefaultsToTheCodeName() {
		assertThat(GrpcError.of(Status.Code.NOT_FOUND, "gone").reason()).isEqualTo("NOT_FOUND");
	}

	@Test
	void reasonMustBeUpperSnakeCase() {
		GrpcError.Builder builder = GrpcError.builder(Status.Code.NOT_FOUND, "gone");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.reason("userNotFound"));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.reason("USER_NOT_FOUND_"));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.reason("A".repeat(64)));
		assertThat(builder.reason("USER_NOT_FOUND").build().reason()).isEqualTo("USER_NOT_FOUND");
	}

	@Test
	void okIsNotAnError() {
		assertThatIllegalArgumentException().isThrownBy(() -> GrpcError.of(Status.Code.OK, "fine"));
	}

	@Test
	void errorIsImmutable() {
		GrpcError error = GrpcError.builder(Status.Code.NOT_FOUND, "gone").metadata("k", "v").build();
		assertThat(error.metadata()).isUnmodifiable();
		assertThat(error.fieldViolations()).isUnmodifiable();
	}

}
