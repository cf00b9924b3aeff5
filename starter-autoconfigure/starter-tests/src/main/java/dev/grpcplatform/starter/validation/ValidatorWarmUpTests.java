package dev.grpcplatform.starter.validation;

import java.util.ArrayList;
import java.util.List;

import build.buf.protovalidate.ValidationResult;
import build.buf.protovalidate.Validator;
import build.buf.protovalidate.exceptions.CompilationException;
import com.google.protobuf.Message;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import io.grpc.protobuf.services.HealthStatusManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ValidatorWarmUp}.
 */
@ExtendWith(OutputCaptureExtension.class)
class ValidatorWarmUpTests {

	@Test
	void eachRequestTypeIsLoadedOnce() {
		List<Message> validated = new ArrayList<>();
		Validator validator = recording(validated);
		int loaded = new ValidatorWarmUp(validator).warmUp(List.of(new EchoGrpcService().bindService()));
		assertThat(loaded).isOne();
		assertThat(validated).containsExactly(EchoRequest.getDefaultInstance());
	}

	@Test
	void requestTypesThatCannotCarryRulesAreNotLoaded() {
		List<Message> validated = new ArrayList<>();
		Validator validator = recording(validated);
		int loaded = new ValidatorWarmUp(validator).warmUp(List.of(new HealthStatusManager().getHealthService()
			.bindService(), new EchoGrpcService().bindService()));
		assertThat(loaded).isOne();
		assertThat(validated).containsExactly(EchoRequest.getDefaultInstance());
	}

	@Test
	void brokenRulesAreReportedAtStartupWithoutFailingIt(CapturedOutput output) {
		Validator validator = (message) -> {
			throw new CompilationException("no such overload");
		};
		int loaded = new ValidatorWarmUp(validator).warmUp(List.of(new EchoGrpcService().bindService()));
		assertThat(loaded).isOne();
		assertThat(output).contains("Validation rules of platform.testing.v1.EchoRequest").contains("no such overload");
	}

	private static Validator recording(List<Message> validated) {
		return (message) -> {
			validated.add(message);
			return ValidationResult.EMPTY;
		};
	}

}
