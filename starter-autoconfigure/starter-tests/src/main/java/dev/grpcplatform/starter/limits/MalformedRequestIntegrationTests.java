package dev.grpcplatform.starter.limits;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import dev.grpcplatform.starter.testing.RawMethods;
import dev.grpcplatform.starter.testing.TestServers;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Request bytes that are not a valid protobuf message of the method's request type, sent over a
 * real socket: every call shape and every service the starter serves answers INVALID_ARGUMENT and
 * says why, counts the call in the A66 metrics and logs it under its method.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedRequestIntegrationTests {

	/**
	 * Field 1 (a string) announced with 16 bytes, of which one follows.
	 */
	private static final byte[] TRUNCATED = { 0x0a, 0x10, 'a' };

	/**
	 * A tag with the wire type 7, which does not exist.
	 */
	private static final byte[] INVALID_WIRE_TYPE = { 0x0f, 0x01 };

	private static final String ECHO_SERVICE = "platform.testing.v1.EchoService/";

	private RunningGrpcApplication server;

	private ManagedChannel channel;

	@BeforeAll
	void startServer() {
		this.server = TestServers.start();
		this.channel = this.server.newChannel();
	}

	@AfterAll
	void stopServer() {
		this.channel.shutdownNow();
		this.server.close();
	}

	@BeforeEach
	void forgetCalls() {
		this.server.bean(EchoGrpcService.class).received.clear();
		this.server.bean(EchoGrpcService.class).cancelledStreams.clear();
	}

	@Test
	void unaryCallWithMalformedBytesEndsWithInvalidArgumentAndNeverReachesTheHandler() {
		RawCall call = RawCall.start(this.channel, ECHO_SERVICE + "Echo", MethodType.UNARY);
		call.send(TRUNCATED).halfClose();
		Status status = call.awaitStatus();
		assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(status.getDescription())
			.startsWith("Malformed request: the message is not a valid platform.testing.v1.EchoRequest (")
			.contains("truncated");
		assertThat(this.server.bean(EchoGrpcService.class).received).isEmpty();
	}

	@Test
	void serverStreamingCallWithMalformedBytesEndsWithInvalidArgument() {
		RawCall call = RawCall.start(this.channel, ECHO_SERVICE + "EchoStream", MethodType.SERVER_STREAMING);
		call.send(INVALID_WIRE_TYPE).halfClose();
		Status status = call.awaitStatus();
		assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(status.getDescription())
			.startsWith("Malformed request: the message is not a valid platform.testing.v1.EchoRequest");
		assertThat(call.received).isEmpty();
	}

	@Test
	void clientStreamingCallEndsWithInvalidArgumentAtTheFirstMalformedMessageWithoutWaitingForTheEnd() {
		RawCall call = RawCall.start(this.channel, ECHO_SERVICE + "Collect", MethodType.CLIENT_STREAMING);
		call.send(valid("first")).send(TRUNCATED);
		// The stream stays open on the client's side: the server ends it on its own.
		Status status = call.awaitStatus();
		assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(status.getDescription()).contains("platform.testing.v1.EchoRequest");
		assertThat(this.server.bean(EchoGrpcService.class).received).extracting(EchoRequest::getText)
			.containsExactly("first");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.server.bean(EchoGrpcService.class).cancelledStreams).contains("first"));
	}

	@Test
	void bidiStreamAnswersValidMessagesAndEndsWithInvalidArgumentAtAMalformedOne() {
		RawCall call = RawCall.start(this.channel, ECHO_SERVICE + "Chat", MethodType.BIDI_STREAMING);
		call.send(valid("hello"));
		await().atMost(Duration.ofSeconds(10)).until(() -> call.received.size() == 1);
		call.send(INVALID_WIRE_TYPE).send(valid("never answered"));
		Status status = call.awaitStatus();
		assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		assertThat(status.getDescription()).contains("platform.testing.v1.EchoRequest");
		assertThat(call.received).hasSize(1);
		assertThat(this.server.bean(EchoGrpcService.class).received).extracting(EchoRequest::getText)
			.containsExactly("hello");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.server.bean(EchoGrpcService.class).cancelledStreams).contains("hello"));
	}

	@Test
	void platformServicesAnswerMalformedBytesWithInvalidArgumentToo() {
		record Case(String method, MethodType type, String requestType) {
		}
		for (Case each : List.of(new Case("grpc.health.v1.Health/Check", MethodType.UNARY, "grpc.health.v1.HealthCheckRequest"),
				new Case("grpc.health.v1.Health/Watch", MethodType.SERVER_STREAMING, "grpc.health.v1.HealthCheckRequest"),
				new Case("grpc.reflection.v1.ServerReflection/ServerReflectionInfo", MethodType.BIDI_STREAMING,
						"grpc.reflection.v1.ServerReflectionRequest"),
				// grpc-java serves v1alpha with v1's messages, which are the same on the wire
				new Case("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", MethodType.BIDI_STREAMING,
						"grpc.reflection.v1.ServerReflectionRequest"))) {
			RawCall call = RawCall.start(this.channel, each.method(), each.type());
			call.send(TRUNCATED);
			if (each.type() != MethodType.BIDI_STREAMING) {
				call.halfClose();
			}
			Status status = call.awaitStatus();
			assertThat(status.getCode()).as(each.method()).isEqualTo(Status.Code.INVALID_ARGUMENT);
			assertThat(status.getDescription()).as(each.method())
				.startsWith("Malformed request: the message is not a valid " + each.requestType());
		}
	}

	@Test
	void malformedCallsAreCountedInTheMetricsAndLoggedUnderTheirMethod(CapturedOutput output) {
		for (String method : List.of("Echo", "EchoStream", "Collect", "Chat")) {
			RawCall call = RawCall.start(this.channel, ECHO_SERVICE + method, type(method));
			call.send(TRUNCATED);
			assertThat(call.awaitStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		}
		MeterRegistry registry = this.server.bean(MeterRegistry.class);
		for (String method : List.of("Echo", "EchoStream", "Collect", "Chat")) {
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				Timer timer = registry.find("grpc.server.call.duration")
					.tag("grpc.method", ECHO_SERVICE + method)
					.tag("grpc.status", "INVALID_ARGUMENT")
					.timer();
				assertThat(timer).as(method).isNotNull();
				assertThat(timer.count()).as(method).isGreaterThanOrEqualTo(1);
			});
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(output.getOut()).contains("method=" + ECHO_SERVICE + method
						+ " status=INVALID_ARGUMENT"));
		}
	}

	@Test
	void theServerKeepsServingOnTheSameConnectionAfterMalformedCalls() {
		RawCall bad = RawCall.start(this.channel, ECHO_SERVICE + "Echo", MethodType.UNARY);
		bad.send(INVALID_WIRE_TYPE).halfClose();
		assertThat(bad.awaitStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
		RawCall good = RawCall.start(this.channel, ECHO_SERVICE + "Echo", MethodType.UNARY);
		good.send(valid("still here")).halfClose();
		assertThat(good.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
		assertThat(good.received).hasSize(1);
	}

	private static MethodType type(String method) {
		return switch (method) {
			case "Echo" -> MethodType.UNARY;
			case "EchoStream" -> MethodType.SERVER_STREAMING;
			case "Collect" -> MethodType.CLIENT_STREAMING;
			default -> MethodType.BIDI_STREAMING;
		};
	}

	private static byte[] valid(String text) {
		return EchoRequest.newBuilder().setText(text).build().toByteArray();
	}

	/**
	 * A call of raw bytes that records what it receives and how it ends.
	 */
	private static final class RawCall {

		final List<byte[]> received = new CopyOnWriteArrayList<>();

		final CompletableFuture<Status> status = new CompletableFuture<>();

		private final ClientCall<byte[], byte[]> call;

		private RawCall(ClientCall<byte[], byte[]> call) {
			this.call = call;
		}

		static RawCall start(ManagedChannel channel, String method, MethodType type) {
			RawCall raw = new RawCall(channel.newCall(RawMethods.of(method, type),
					CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS)));
			raw.call.start(new ClientCall.Listener<>() {

				@Override
				public void onMessage(byte[] message) {
					raw.received.add(message);
					raw.call.request(1);
				}

				@Override
				public void onClose(Status status, Metadata trailers) {
					raw.status.complete(status);
				}

			}, new Metadata());
			raw.call.request(1);
			return raw;
		}

		RawCall send(byte[] message) {
			this.call.sendMessage(message);
			return this;
		}

		RawCall halfClose() {
			this.call.halfClose();
			return this;
		}

		Status awaitStatus() {
			return this.status.orTimeout(15, TimeUnit.SECONDS).join();
		}

	}

}
