package dev.grpcplatform.starter.errors;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
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
import static org.assertj.core.api.Assertions.tuple;

/**
 * Integration tests for the mapping of handler exceptions to statuses with rich details, over a
 * real socket. Each base's own exception handlers (net.devh's and spring-grpc's {@code @GrpcAdvice},
 * spring-grpc's {@code GrpcExceptionHandler} beans) are tested by the edge of that base, whose
 * types these tests cannot name.
 */
@ExtendWith(OutputCaptureExtension.class)
class GrpcErrorsIntegrationTests {

	private static final String SECRET = "secret internal detail";

	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	class WithDefaults extends SharedEchoServer {

		WithDefaults() {
			super("spring.application.name=echo-service");
		}

		@Test
		void illegalArgumentThrownByUnaryHandlerIsInvalidArgumentWithItsMessage() {
			StatusRuntimeException ex = callEcho(this.blocking, "illegal-argument");
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			assertThat(ex.getStatus().getDescription()).isEqualTo("text must not be 'bad'");
			ErrorInfo errorInfo = errorInfo(ex);
			assertThat(errorInfo.getReason()).isEqualTo("INVALID_ARGUMENT");
			assertThat(errorInfo.getDomain()).isEqualTo("echo-service");
		}

		@Test
		void illegalArgumentPassedToOnErrorByUnaryHandlerIsInvalidArgument() {
			StatusRuntimeException ex = callEcho(this.blocking, "on-error:illegal-argument");
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			assertThat(ex.getStatus().getDescription()).isEqualTo("text must not be 'bad'");
			assertThat(errorInfo(ex).getReason()).isEqualTo("INVALID_ARGUMENT");
		}

		@Test
		void noSuchElementIsNotFoundWithItsMessage() {
			StatusRuntimeException ex = callEcho(this.blocking, "not-found");
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
			assertThat(ex.getStatus().getDescription()).isEqualTo("echo 42 not found");
			assertThat(errorInfo(ex).getReason()).isEqualTo("NOT_FOUND");
		}

		@Test
		void exceptionWrappedInCompletionExceptionIsMappedByItsCause() {
			StatusRuntimeException ex = callEcho(this.blocking, "wrapped");
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
			assertThat(ex.getStatus().getDescription()).isEqualTo("echo 7 not found");
		}

		@Test
		void unsupportedOperationIsUnimplemented() {
			StatusRuntimeException ex = callEcho(this.blocking, "unsupported");
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
			assertThat(errorInfo(ex).getReason()).isEqualTo("UNIMPLEMENTED");
		}

		@Test
		void duplicateKeyIsAlreadyExistsWithoutTheDatabaseMessage() {
			StatusRuntimeException ex = callEcho(this.blocking, "duplicate");
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
			assertThat(ex.getStatus().getDescription()).isEqualTo("resource already exists");
			assertThat(errorInfo(ex).getReason()).isEqualTo("ALREADY_EXISTS");
			assertNothingLeaks(ex, "echo_pkey", "duplicate key value");
		}

		@Test
		void databaseConnectionFailureIsUnavailableAndLoggedAsWarningWithoutStack(CapturedOutput output) {
			StatusRuntimeException ex = callEcho(this.blocking, "unavailable");
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(ex.getStatus().getDescription()).isEqualTo("database unavailable; retry later");
			assertNothingLeaks(ex, SECRET, "jdbc:");
			assertThat(output).contains("WARN").contains("failed with UNAVAILABLE");
			assertThat(output).doesNotContain("at dev.grpcplatform.starter.testing.EchoGrpcService");
		}

		@Test
		void unexpectedExceptionIsInternalWithOnlyAnErrorIdThatTheLogRepeatsWithTheStack(CapturedOutput output) {
			StatusRuntimeException ex = callEcho(this.blocking, "internal");
			assertInternalWithLoggedErrorId(ex, output);
		}

		@Test
		void unexpectedExceptionPassedToOnErrorIsInternalWithErrorId(CapturedOutput output) {
			StatusRuntimeException ex = callEcho(this.blocking, "on-error:internal");
			assertInternalWithLoggedErrorId(ex, output);
		}

		@Test
		void statusRuntimeExceptionPassesThroughUnchanged() {
			StatusRuntimeException ex = callEcho(this.blocking, "status");
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
			assertThat(ex.getStatus().getDescription()).isEqualTo("echo is closed");
			assertThat(ex.getTrailers().containsKey(GrpcError.STATUS_DETAILS_KEY)).isFalse();
		}

		@Test
		void grpcErrorThrownByHandlerArrivesWithReasonMetadataAndFieldViolations() {
			StatusRuntimeException ex = callEcho(this.blocking, "grpc-error");
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			assertThat(ex.getStatus().getDescription()).isEqualTo("echo request is incomplete");
			ErrorInfo errorInfo = errorInfo(ex);
			assertThat(errorInfo.getReason()).isEqualTo("ECHO_INCOMPLETE");
			assertThat(errorInfo.getDomain()).isEqualTo("echo-service");
			assertThat(errorInfo.getMetadataMap()).containsEntry("echoId", "42");
			assertThat(badRequest(ex).getFieldViolationsList())
				.extracting(BadRequest.FieldViolation::getField, BadRequest.FieldViolation::getDescription)
				.containsExactly(tuple("text", "must not be 'bad'"),
						tuple("tags[1]", "must be lower case"));
		}

		@Test
		void serverStreamingHandlerThatThrowsEndsWithMappedStatus() {
			Iterator<EchoResponse> responses = this.blocking
				.echoStream(EchoRequest.newBuilder().setText("hi").setRepeat(3).setFailWith("not-found").build());
			StatusRuntimeException ex = catchThrowableOfType(StatusRuntimeException.class, responses::hasNext);
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
			assertThat(errorInfo(ex).getReason()).isEqualTo("NOT_FOUND");
		}

		@Test
		void serverStreamingHandlerThatFailsUnexpectedlyEndsWithInternal(CapturedOutput output) {
			Iterator<EchoResponse> responses = this.blocking
				.echoStream(EchoRequest.newBuilder().setText("hi").setRepeat(3).setFailWith("internal").build());
			assertInternalWithLoggedErrorId(catchThrowableOfType(StatusRuntimeException.class, responses::hasNext),
					output);
		}

		@Test
		void clientStreamingHandlerThatThrowsInOnNextEndsWithMappedStatusAndIsToldOfTheEnd() throws Exception {
			Recorder<EchoResponse> recorder = new Recorder<>();
			StreamObserver<EchoRequest> requests = this.async.collect(recorder);
			requests.onNext(EchoRequest.newBuilder().setText("one").build());
			requests.onNext(EchoRequest.newBuilder().setText("two").setFailWith("illegal-argument").build());
			StatusRuntimeException ex = recorder.awaitError();
			requests.onCompleted();
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			assertThat(errorInfo(ex).getReason()).isEqualTo("INVALID_ARGUMENT");
			awaitCancelledStream("one");
		}

		@Test
		void clientStreamingHandlerThatFailsUnexpectedlyEndsWithInternal(CapturedOutput output) throws Exception {
			Recorder<EchoResponse> recorder = new Recorder<>();
			StreamObserver<EchoRequest> requests = this.async.collect(recorder);
			requests.onNext(EchoRequest.newBuilder().setText("one").setFailWith("internal").build());
			StatusRuntimeException ex = recorder.awaitError();
			requests.onCompleted();
			assertInternalWithLoggedErrorId(ex, output);
		}

		@Test
		void bidiHandlerThatThrowsInOnNextEndsWithMappedStatusAfterEarlierResponses() throws Exception {
			Recorder<EchoResponse> recorder = new Recorder<>();
			StreamObserver<EchoRequest> requests = this.async.chat(recorder);
			requests.onNext(EchoRequest.newBuilder().setText("first").build());
			assertThat(recorder.awaitNext().getText()).isEqualTo("first");
			requests.onNext(EchoRequest.newBuilder().setText("second").setFailWith("duplicate").build());
			StatusRuntimeException ex = recorder.awaitError();
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
			assertThat(errorInfo(ex).getReason()).isEqualTo("ALREADY_EXISTS");
			assertNothingLeaks(ex, "echo_pkey");
			awaitCancelledStream("first");
		}

		@Test
		void bidiHandlerThatPassesAnExceptionToOnErrorEndsWithMappedStatus() throws Exception {
			Recorder<EchoResponse> recorder = new Recorder<>();
			StreamObserver<EchoRequest> requests = this.async.chat(recorder);
			requests.onNext(EchoRequest.newBuilder().setText("first").setFailWith("on-error:not-found").build());
			StatusRuntimeException ex = recorder.awaitError();
			requests.onCompleted();
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
			assertThat(ex.getStatus().getDescription()).isEqualTo("echo 42 not found");
		}

		@Test
		void callsThatSucceedAreUntouched() {
			EchoResponse response = this.blocking.echo(EchoRequest.newBuilder().setText("hello").build());
			assertThat(response.getText()).isEqualTo("hello");
		}

	}

	@Test
	void domainCanBeConfigured() {
		try (RunningGrpcApplication server = TestServers.start("platform.grpc.errors.domain=echo.example.com")) {
			StatusRuntimeException ex = callEcho(EchoServiceGrpc.newBlockingStub(server.newChannel()), "not-found");
			assertThat(errorInfo(ex).getDomain()).isEqualTo("echo.example.com");
		}
	}

	@Test
	void domainDefaultsToGrpcPlatformWithoutApplicationName() {
		try (RunningGrpcApplication server = TestServers.start()) {
			StatusRuntimeException ex = callEcho(EchoServiceGrpc.newBlockingStub(server.newChannel()), "not-found");
			assertThat(errorInfo(ex).getDomain()).isEqualTo("grpc-platform");
		}
	}

	@Test
	void whenDisabledAThrownExceptionIsGrpcJavasBareUnknown() {
		try (RunningGrpcApplication server = TestServers.start("platform.grpc.errors.enabled=false")) {
			StatusRuntimeException ex = callEcho(EchoServiceGrpc.newBlockingStub(server.newChannel()),
					"illegal-argument");
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
			assertThat(ex.getTrailers().containsKey(GrpcError.STATUS_DETAILS_KEY)).isFalse();
		}
	}

	@Test
	void userExceptionMapperWinsOverBuiltInMapping() {
		try (RunningGrpcApplication server = TestServers
			.start(new Class<?>[] { TestGrpcApplication.class, UserMapperConfiguration.class })) {
			EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(server.newChannel());
			StatusRuntimeException ex = callEcho(stub, "illegal-argument");
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
			assertThat(ex.getStatus().getDescription()).isEqualTo("echo refused");
			assertThat(errorInfo(ex).getReason()).isEqualTo("ECHO_REFUSED");
			// Exceptions the user's mapper leaves alone still get the built-in mapping.
			assertThat(callEcho(stub, "not-found").getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
		}
	}

	/**
	 * Asserts what a client sees from a server whose base's own exception handler (an edge's test
	 * configures it) turns {@code DuplicateKeyException} into {@code RESOURCE_EXHAUSTED} with the
	 * given description: that status whether the handler throws, passes the exception to
	 * {@code onError} or throws in a bidi stream, and the platform's mapping for other exceptions.
	 * @param server the running server
	 * @param description the description the handler gives
	 */
	static void assertBaseHandlerDecidesDuplicatesAndThePlatformTheRest(RunningGrpcApplication server,
			String description) throws InterruptedException {
		EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(server.newChannel());
		StatusRuntimeException thrown = callEcho(stub, "duplicate");
		assertThat(thrown.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
		assertThat(thrown.getStatus().getDescription()).isEqualTo(description);
		assertThat(callEcho(stub, "on-error:duplicate").getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
		Recorder<EchoResponse> recorder = new Recorder<>();
		StreamObserver<EchoRequest> requests = EchoServiceGrpc.newStub(server.newChannel()).chat(recorder);
		requests.onNext(EchoRequest.newBuilder().setText("first").setFailWith("duplicate").build());
		StatusRuntimeException inStream = recorder.awaitError();
		requests.onCompleted();
		assertThat(inStream.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
		// Exceptions the handler leaves alone are mapped by the platform.
		StatusRuntimeException notHandled = callEcho(stub, "not-found");
		assertThat(notHandled.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
		assertThat(errorInfo(notHandled).getReason()).isEqualTo("NOT_FOUND");
	}

	static StatusRuntimeException callEcho(EchoServiceGrpc.EchoServiceBlockingStub stub, String failWith) {
		EchoRequest request = EchoRequest.newBuilder().setText("bad").setFailWith(failWith).build();
		return catchThrowableOfType(StatusRuntimeException.class,
				() -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).echo(request));
	}

	private static void assertInternalWithLoggedErrorId(StatusRuntimeException ex, CapturedOutput output) {
		assertThat(ex).isNotNull();
		assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
		ErrorInfo errorInfo = errorInfo(ex);
		String errorId = errorInfo.getMetadataMap().get("errorId");
		assertThat(errorId).matches("[0-9a-f-]{36}");
		assertThat(errorInfo.getReason()).isEqualTo("INTERNAL");
		assertThat(ex.getStatus().getDescription()).isEqualTo("Internal error (error id: " + errorId + ")");
		assertNothingLeaks(ex, SECRET, "IllegalStateException", "at dev.");
		assertThat(output).contains("ERROR").contains("(error id: " + errorId + ")");
		// The stack trace stays on the server.
		assertThat(output).contains(SECRET).contains("at dev.grpcplatform.starter.testing.EchoGrpcService");
	}

	private static void assertNothingLeaks(StatusRuntimeException ex, String... secrets) {
		com.google.rpc.Status details = StatusProto.fromThrowable(ex);
		for (String secret : secrets) {
			assertThat(ex.getStatus().getDescription()).doesNotContain(secret);
			if (details != null) {
				assertThat(details.toString()).doesNotContain(secret);
			}
			assertThat(String.valueOf(ex.getTrailers())).doesNotContain(secret);
		}
	}

	static ErrorInfo errorInfo(StatusRuntimeException ex) {
		return detail(ex, ErrorInfo.class);
	}

	static BadRequest badRequest(StatusRuntimeException ex) {
		return detail(ex, BadRequest.class);
	}

	private static <T extends com.google.protobuf.Message> T detail(StatusRuntimeException ex, Class<T> type) {
		assertThat(ex).as("call failed").isNotNull();
		com.google.rpc.Status status = StatusProto.fromThrowable(ex);
		assertThat(status).as("google.rpc.Status in trailers").isNotNull();
		assertThat(status.getCode()).isEqualTo(ex.getStatus().getCode().value());
		List<T> found = status.getDetailsList().stream().filter((any) -> any.is(type)).map((any) -> unpack(any, type)).toList();
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

	static final class Recorder<T> implements StreamObserver<T> {

		private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();

		@Override
		public void onNext(T value) {
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

		@SuppressWarnings("unchecked")
		T awaitNext() throws InterruptedException {
			Object event = this.events.poll(10, TimeUnit.SECONDS);
			assertThat(event).as("next response").isNotNull().isNotInstanceOf(StatusRuntimeException.class);
			return (T) event;
		}

		StatusRuntimeException awaitError() throws InterruptedException {
			Object event;
			do {
				event = this.events.poll(10, TimeUnit.SECONDS);
			}
			while (event != null && !(event instanceof StatusRuntimeException) && !"completed".equals(event));
			assertThat(event).as("error").isInstanceOf(StatusRuntimeException.class);
			return (StatusRuntimeException) event;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserMapperConfiguration {

		@Bean
		GrpcExceptionMapper echoRefusedMapper() {
			return (exception) -> (exception instanceof IllegalArgumentException)
					? GrpcError.builder(Status.Code.FAILED_PRECONDITION, "echo refused").reason("ECHO_REFUSED").build()
					: null;
		}

	}

}
