package dev.grpcplatform.starter.validation;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Empty;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ValidatedTypes}: which requests the validator sees.
 */
class ValidatedTypesTests {

	private final ValidatedTypes validatedTypes = new ValidatedTypes();

	@Test
	void requestOfAContractWithRulesIsValidated() {
		assertThat(this.validatedTypes.requestToValidate(EchoServiceGrpc.getEchoMethod()))
			.isEqualTo(EchoRequest.getDefaultInstance());
	}

	@Test
	void healthAndReflectionRequestsCannotCarryRulesAndSkipTheValidator() {
		assertThat(this.validatedTypes.requestToValidate(HealthGrpc.getCheckMethod())).isNull();
		assertThat(this.validatedTypes.mayHaveRules(HealthCheckRequest.getDescriptor())).isFalse();
		assertThat(this.validatedTypes.mayHaveRules(ServerReflectionRequest.getDescriptor())).isFalse();
		assertThat(this.validatedTypes.mayHaveRules(Empty.getDescriptor())).isFalse();
	}

	@Test
	void typeWhoseFileHasNoRulesButThatHoldsATypeWithRulesIsValidated() throws DescriptorValidationException {
		Descriptor wrapper = wrapperOf(EchoRequest.getDescriptor(), "wrapper.proto");
		assertThat(this.validatedTypes.mayHaveRules(wrapper)).isTrue();
	}

	@Test
	void typeThatHoldsOnlyTypesWithoutRulesIsNotValidated() throws DescriptorValidationException {
		Descriptor wrapper = wrapperOf(HealthCheckRequest.getDescriptor(), "health-wrapper.proto");
		assertThat(this.validatedTypes.mayHaveRules(wrapper)).isFalse();
	}

	// A message type Wrapper, in a file of its own that imports only the held type's file, with one field
	// of the held type.
	private static Descriptor wrapperOf(Descriptor held, String fileName) throws DescriptorValidationException {
		FieldDescriptorProto field = FieldDescriptorProto.newBuilder()
			.setName("held")
			.setNumber(1)
			.setType(FieldDescriptorProto.Type.TYPE_MESSAGE)
			.setTypeName("." + held.getFullName())
			.build();
		FileDescriptorProto file = FileDescriptorProto.newBuilder()
			.setName("platform/testing/v1/" + fileName)
			.setPackage("platform.testing.v1.wrappers")
			.setSyntax("proto3")
			.addDependency(held.getFile().getName())
			.addMessageType(DescriptorProto.newBuilder().setName("Wrapper").addField(field))
			.build();
		return FileDescriptor.buildFrom(file, new FileDescriptor[] { held.getFile() }).findMessageTypeByName("Wrapper");
	}

}
