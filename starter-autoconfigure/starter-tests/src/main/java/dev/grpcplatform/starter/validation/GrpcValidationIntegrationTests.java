package dev.grpcplatform.starter.validation;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import build.buf.protovalidate.Validator;
import build.buf.protovalidate.exceptions.CompilationException;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import dev.grpcplatform.starter.testing.SharedEchoServer;
import dev.grpcplatform.starter.testing.TestGrpcApplication;
import dev.grpcplatform.starter.testing.TestServers;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoResponse;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for the validation of request messages over a real socket.
 */
@ExtendWith(OutputCaptureExtension.class)
class GrpcValidationIntegrationTests {

	private static final EchoRequest THREE_BAD_FIELDS = EchoRequest.newBuilder()
		.setText("")
		.setEmail("not-an-email")
		.setRepeat(5000)
		.build();

	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	class WithDefaults extends SharedEchoServer {

		WithDefaults() {
			super("spring.application.name=echo-service");
		}

		@Test
		void invalidUnaryRequestIsRejectedWithOneFieldViolationPerBadFieldAndNeverReachesTheHandler() {
			StatusRuntimeException ex = catchThrowableOfType(StatusRuntimeException.class,
					() -> this.blocking.echo(THREE_BAD_FIELDS));
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			assertThat(ex.getStatus().getDescription()).startsWith("invalid request: ")
				.contains("text: must be at least 1 characters")
				.contains("email: must be a valid email address")
				.contains("repeat: ");
			assertThat(badRequest(ex).getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
				.containsExactlyInAnyOrder("text", "repeat", "email");
			ErrorInfo errorInfo = errorInfo(ex);
			assertThat(errorInfo.getReason()).isEqualTo("INVALID_ARGUMENT");
			assertThat(errorInfo.getDomain()).isEqualTo("echo-service");
			assertThat(echoService().received).isEmpty();
		}

		@Test
		void validUnaryRequestReachesTheHandler() {
			EchoResponse response = this.blocking
				.echo(EchoRequest.newBuilder().setText("hello").setEmail("a@example.com").addTags("ok").build());
			assertThat(response.getText()).isEqualTo("hello");
			assertThat(echoService().received).hasSize(1);
		}

		@Test
		void twoViolationsOfOneFieldGiveOneFieldViolationThatNamesBoth() {
			StatusRuntimeException ex = catchThrowableOfType(StatusRuntimeException.class,
					() -> this.blocking.echo(EchoRequest.newBuilder().setText("hi").addTags("ok").addTags("X").build()));
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			List<BadRequest.FieldViolation> violations = badRequest(ex).getFieldViolationsList();
			assertThat(violations).hasSize(1);
			assertThat(violations.get(0).getField()).isEqualTo("tags[1]");
			assertThat(violations.get(0).getDescription()).contains("at least 2 characters")
				.contains("does not match regex pattern");
		}

		@Test
		void mapKeyViolationNamesTheKey() {
			StatusRuntimeException ex = catchThrowableOfType(StatusRuntimeException.class,
					() -> this.blocking.echo(EchoRequest.newBuilder().setText("hi").putLabels("Bad \"Key\"", "v").build()));
			assertThat(badRequest(ex).getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
				.containsExactly("labels[\"Bad \\\"Key\\\"\"]");
		}

		@Test
		void hostileRequestWithManyBadFieldsGetsABoundedAnswer() {
			EchoRequest.Builder request = EchoRequest.newBuilder().setText("hi");
			for (int i = 0; i < 100; i++) {
				request.putLabels("K" + i + "-".repeat(500), "v");
			}
			StatusRuntimeException ex = catchThrowableOfType(StatusRuntimeException.class,
					() -> this.blocking.echo(request.build()));
			assertThat(ex.getStatus().getCode()).as(ex.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			List<BadRequest.FieldViolation> violations = badRequest(ex).getFieldViolationsList();
			assertThat(violations).isNotEmpty()
				.hasSizeLessThanOrEqualTo(20)
				.allSatisfy((violation) -> assertThat(violation.getField()).hasSizeLessThanOrEqualTo(100));
			assertThat(ex.getStatus().getDescription()).hasSizeLessThan(1100)
				.endsWith("(and " + (100 - violations.size()) + " more fields)");
			assertThat(echoService().received).isEmpty();
		}

		@Test
		void invalidServerStreamingRequestIsRejectedBeforeTheHandler() {
			Iterator<EchoResponse> responses = this.blocking.echoStream(THREE_BAD_FIELDS);
			StatusRuntimeException ex = catchThrowableOfType(StatusRuntimeException.class, responses::hasNext);
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			assertThat(badRequest(ex).getFieldViolationsCount()).isEqualTo(3);
			assertThat(echoService().received).isEmpty();
		}

		@Test
		void clientStreamWithABadThirdMessageIsRejectedAndTheHandlerIsCancelledWithoutSeeingIt()
				throws Exception {
			Recorder recorder = new Recorder();
			StreamObserver<EchoRequest> requests = this.async.collect(recorder);
			requests.onNext(EchoRequest.newBuilder().setText("one").build());
			requests.onNext(EchoRequest.newBuilder().setText("two").build());
			requests.onNext(EchoRequest.newBuilder().setText("").build());
			requests.onNext(EchoRequest.newBuilder().setText("four").build());
			requests.onCompleted();
			StatusRuntimeException ex = recorder.awaitError();
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			assertThat(badRequest(ex).getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
				.containsExactly("text");
			awaitCancelledStream("one");
			assertThat(echoService().received).extracting(EchoRequest::getText).containsExactly("one", "two");
		}

		@Test
		void bidiStreamWithABadMessageIsRejectedAfterEarlierAnswersAndTheHandlerIsCancelled() throws Exception {
			Recorder recorder = new Recorder();
			StreamObserver<EchoRequest> requests = this.async.chat(recorder);
			requests.onNext(EchoRequest.newBuilder().setText("first").build());
			assertThat(recorder.awaitNext().getText()).isEqualTo("first");
			requests.onNext(EchoRequest.newBuilder().setText("second").setEmail("nope").build());
			StatusRuntimeException ex = recorder.awaitError();
			requests.onCompleted();
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			assertThat(badRequest(ex).getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
				.containsExactly("email");
			awaitCancelledStream("first");
			assertThat(echoService().received).extracting(EchoRequest::getText).containsExactly("first");
		}

	}

	@Test
	void requestTypesAreLoadedIntoTheValidatorWhenTheServerStarts() {
		try (RunningGrpcApplication server = TestServers
			.start(new Class<?>[] { TestGrpcApplication.class, RecordingValidatorConfiguration.class })) {
			// Without a call: the warm-up runs on a thread of its own once the server has started.
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(server.bean(RecordingValidatorConfiguration.class).validated)
					.contains(EchoRequest.getDefaultInstance()));
		}
	}

	@Test
	void failFastReportsOnlyTheFirstViolation() {
		try (RunningGrpcApplication server = TestServers.start("platform.grpc.validation.fail-fast=true")) {
			StatusRuntimeException ex = catchThrowableOfType(StatusRuntimeException.class,
					() -> EchoServiceGrpc.newBlockingStub(server.newChannel()).echo(THREE_BAD_FIELDS));
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			assertThat(badRequest(ex).getFieldViolationsCount()).isEqualTo(1);
		}
	}

	@Test
	void whenDisabledInvalidRequestsReachTheHandler() {
		try (RunningGrpcApplication server = TestServers.start("platform.grpc.validation.enabled=false")) {
			EchoResponse response = EchoServiceGrpc.newBlockingStub(server.newChannel()).echo(THREE_BAD_FIELDS);
			assertThat(response.getText()).isEmpty();
			assertThat(server.bean(EchoGrpcService.class).received).hasSize(1);
		}
	}

	@Test
	void validationWorksWithErrorMappingSwitchedOff() {
		try (RunningGrpcApplication server = TestServers.start("platform.grpc.errors.enabled=false")) {
			StatusRuntimeException ex = catchThrowableOfType(StatusRuntimeException.class,
					() -> EchoServiceGrpc.newBlockingStub(server.newChannel()).echo(THREE_BAD_FIELDS));
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			assertThat(badRequest(ex).getFieldViolationsCount()).isEqualTo(3);
			assertThat(errorInfo(ex).getDomain()).isEqualTo("grpc-platform");
		}
	}

	@Test
	void brokenRulesGiveInternalWithALoggedErrorId(CapturedOutput output) {
		try (RunningGrpcApplication server = TestServers
			.start(new Class<?>[] { TestGrpcApplication.class, BrokenValidatorConfiguration.class })) {
			StatusRuntimeException ex = catchThrowableOfType(StatusRuntimeException.class,
					() -> EchoServiceGrpc.newBlockingStub(server.newChannel())
						.echo(EchoRequest.newBuilder().setText("hi").build()));
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
			String errorId = errorInfo(ex).getMetadataMap().get("errorId");
			assertThat(ex.getStatus().getDescription()).isEqualTo("Internal error (error id: " + errorId + ")")
				.doesNotContain("CEL");
			assertThat(output).contains("(error id: " + errorId + ")").contains("CEL expression does not compile");
			assertThat(server.bean(EchoGrpcService.class).received).isEmpty();
		}
	}

	private static ErrorInfo errorInfo(StatusRuntimeException ex) {
		return detail(ex, ErrorInfo.class);
	}

	private static BadRequest badRequest(StatusRuntimeException ex) {
		return detail(ex, BadRequest.class);
	}

	private static <T extends com.google.protobuf.Message> T detail(StatusRuntimeException ex, Class<T> type) {
		assertThat(ex).as("call failed").isNotNull();
		com.google.rpc.Status status = StatusProto.fromThrowable(ex);
		assertThat(status).isNotNull();
		List<T> found = status.getDetailsList()
			.stream()
			.filter((any) -> any.is(type))
			.map((any) -> unpack(any, type))
			.toList();
		assertThat(found).as(type.getSimpleName()).hasSize(1);
		return found.get(0);
	}

	private static <T extends com.google.protobuf.Message> T unpack(Any any, Class<T> type) {
		try {
			return any.unpack(type);
		}
		catch (InvalidProtocolBufferException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static final class Recorder implements StreamObserver<EchoResponse> {

		private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();

		@Override
		public void onNext(EchoResponse value) {
			this.events.add(value);
		}

		@Override
		public void onError(Throwable t) {
			this.events.add(Status.fromThrowable(t).asRuntimeException(Status.trailersFromThrowable(t)));
		}

		@Override
		public void onCompleted() {
			this.events.add("completed");
		}

		EchoResponse awaitNext() throws InterruptedException {
			Object event = this.events.poll(10, TimeUnit.SECONDS);
			assertThat(event).as("next response").isInstanceOf(EchoResponse.class);
			return (EchoResponse) event;
		}

		StatusRuntimeException awaitError() throws InterruptedException {
			Object event;
			do {
				event = this.events.poll(10, TimeUnit.SECONDS);
			}
			while (event instanceof EchoResponse);
			assertThat(event).as("error").isInstanceOf(StatusRuntimeException.class);
			return (StatusRuntimeException) event;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingValidatorConfiguration {

		final List<com.google.protobuf.Message> validated = new java.util.concurrent.CopyOnWriteArrayList<>();

		@Bean
		Validator recordingValidator() {
			Validator validator = build.buf.protovalidate.ValidatorFactory.newBuilder().build();
			return (message) -> {
				this.validated.add(message);
				return validator.validate(message);
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BrokenValidatorConfiguration {

		@Bean
		Validator brokenValidator() {
			return (message) -> {
				throw new CompilationException("CEL expression does not compile: this.nope > 1");
			};
		}

	}

}
