package dev.grpcplatform.starter.logging;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.ByteString;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.server.GlobalGrpcServerInterceptor;
import dev.grpcplatform.starter.server.GrpcCallAttributes;
import dev.grpcplatform.starter.server.PlatformInterceptorOrder;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import dev.grpcplatform.starter.testing.RawMethods;
import dev.grpcplatform.starter.testing.TestServers;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Integration tests of request ids and the access log, over a real socket.
 */
@ExtendWith(OutputCaptureExtension.class)
class GrpcAccessLogIntegrationTests {

	private static final Metadata.Key<String> REQUEST_ID = Metadata.Key.of("x-request-id",
			Metadata.ASCII_STRING_MARSHALLER);

	private static final Metadata.Key<String> TEST_USER = Metadata.Key.of("x-test-user",
			Metadata.ASCII_STRING_MARSHALLER);

	private static final String ECHO = "platform.testing.v1.EchoService/Echo";

	private RunningGrpcApplication server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void everyCallGetsAGeneratedRequestIdInItsResponseHeadersAndOneAccessLogLine(CapturedOutput output) {
		this.server = TestServers.start(new Class<?>[] { AccessLogTestApplication.class });
		Call call = call(new Metadata(), request("hello"));
		assertThat(call.headers().get(REQUEST_ID)).matches("[0-9a-f]{32}");
		String requestId = call.headers().get(REQUEST_ID);

		String line = awaitLine(output, "request_id=" + requestId);
		assertThat(line).contains("method=" + ECHO + " status=OK duration_ms=")
			.containsPattern("peer=127\\.0\\.0\\.1:\\d+")
			.containsPattern("trace_id=[0-9a-f]{32}")
			.doesNotContain("principal=");
		assertThat(accessLines(output)).hasSize(1);
	}

	@Test
	void callersRequestIdAndThePrincipalSetByAuthenticationAreLogged(CapturedOutput output) {
		this.server = TestServers.start(new Class<?>[] { AccessLogTestApplication.class });
		Metadata headers = new Metadata();
		headers.put(REQUEST_ID, "req-2024.01:abc/42");
		headers.put(TEST_USER, "alice");
		Call call = call(headers, request("hello"));
		assertThat(call.headers().get(REQUEST_ID)).isEqualTo("req-2024.01:abc/42");
		assertThat(awaitLine(output, "request_id=req-2024.01:abc/42")).contains("principal=alice");
	}

	@Test
	void unusableRequestIdsFromCallersAreReplacedAndNeverLogged(CapturedOutput output) {
		this.server = TestServers.start(new Class<?>[] { AccessLogTestApplication.class });
		for (String hostile : List.of("x".repeat(RequestIds.MAX_LENGTH + 1), "two words", "a\"b=c",
				"<script>alert(1)</script>", "id\u0007bell")) {
			Metadata headers = new Metadata();
			headers.put(REQUEST_ID, hostile);
			Call call = call(headers, request("hello"));
			String returned = call.headers().get(REQUEST_ID);
			assertThat(returned).as(hostile).matches("[0-9a-f]{32}");
			awaitLine(output, "request_id=" + returned);
			assertThat(output.getOut()).doesNotContain(hostile);
		}
	}

	@Test
	void failedCallsReturnTheRequestIdInTheirTrailersAndAreLoggedWithTheirStatus(CapturedOutput output) {
		this.server = TestServers.start(new Class<?>[] { AccessLogTestApplication.class });
		Metadata headers = new Metadata();
		headers.put(REQUEST_ID, "failing-1");
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub(headers, new AtomicReference<>(), new AtomicReference<>())
				.echo(request("bad").toBuilder().setFailWith("not-found").build()))
			.satisfies((ex) -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
				assertThat(ex.getTrailers().get(REQUEST_ID)).isEqualTo("failing-1");
			});
		assertThat(awaitLine(output, "request_id=failing-1")).contains("status=NOT_FOUND");
	}

	@Test
	void callsThatNoInterceptorSeesAreLoggedToo(CapturedOutput output) {
		this.server = TestServers.start(new Class<?>[] { AccessLogTestApplication.class },
				"platform.grpc.limits.max-inbound-message-size=1KB");
		Channel channel = this.server.newChannel();
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> ClientCalls.blockingUnaryCall(channel, RawMethods.unary("attacker.Chosen/Name"),
					CallOptions.DEFAULT, new byte[0]))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
		assertThat(awaitLine(output, "method=attacker.Chosen/Name ")).contains("status=UNIMPLEMENTED");
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> EchoServiceGrpc.newBlockingStub(channel)
				.echo(request("big").toBuilder().setPayload(ByteString.copyFrom(new byte[4096])).build()))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
		assertThat(awaitLine(output, "status=RESOURCE_EXHAUSTED")).contains("method=" + ECHO);
	}

	@Test
	void aMethodNameChosenToForgeFieldsIsQuotedAndEscaped(CapturedOutput output) {
		this.server = TestServers.start(new Class<?>[] { AccessLogTestApplication.class });
		String forged = "x/y status=OK principal=admin\" request_id=forged";
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> ClientCalls
			.blockingUnaryCall(this.server.newChannel(), RawMethods.unary(forged), CallOptions.DEFAULT, new byte[0]));
		String line = awaitLine(output, "status=UNIMPLEMENTED");
		assertThat(line).contains("method=\"x/y status=OK principal=admin\\\" request_id=forged\" status=UNIMPLEMENTED")
			.doesNotContain("principal=admin ");
	}

	@Test
	void accessLogOffWritesNoLineButRequestIdsStay(CapturedOutput output) throws InterruptedException {
		this.server = TestServers.start(new Class<?>[] { AccessLogTestApplication.class },
				"platform.grpc.logging.access-log.level=off");
		Call call = call(new Metadata(), request("hello"));
		assertThat(call.headers().get(REQUEST_ID)).matches("[0-9a-f]{32}");
		Thread.sleep(200);
		assertThat(accessLines(output)).isEmpty();
	}

	@Test
	void accessLogLevelBelowTheLoggersLevelWritesNoLine(CapturedOutput output) throws InterruptedException {
		this.server = TestServers.start(new Class<?>[] { AccessLogTestApplication.class },
				"platform.grpc.logging.access-log.level=debug");
		call(new Metadata(), request("hello"));
		Thread.sleep(200);
		assertThat(accessLines(output)).isEmpty();
	}

	@Test
	void requestIdHeaderIsConfigurable(CapturedOutput output) {
		this.server = TestServers.start(new Class<?>[] { AccessLogTestApplication.class },
				"platform.grpc.logging.request-id.header=x-correlation-id");
		Metadata.Key<String> correlationId = Metadata.Key.of("x-correlation-id", Metadata.ASCII_STRING_MARSHALLER);
		Metadata headers = new Metadata();
		headers.put(correlationId, "corr-7");
		Call call = call(headers, request("hello"));
		assertThat(call.headers().get(correlationId)).isEqualTo("corr-7");
		assertThat(call.headers().get(REQUEST_ID)).isNull();
		awaitLine(output, "request_id=corr-7");
	}

	@Test
	void stdoutTargetWritesJsonLinesItselfWithTheSameFields(CapturedOutput output) {
		this.server = TestServers.start(new Class<?>[] { AccessLogTestApplication.class },
				"platform.grpc.logging.access-log.target=stdout", "platform.grpc.logging.access-log.format=json");
		Metadata headers = new Metadata();
		headers.put(TEST_USER, "alice");
		Call call = call(headers, request("hello"));
		String requestId = call.headers().get(REQUEST_ID);

		String line = awaitOutputLine(output, "\"request_id\":\"" + requestId + "\"");
		assertThat(line).as("a JSON object of its own, not a logger's line").startsWith("{\"@timestamp\":\"")
			.doesNotContain("logging.AccessLog");
		Map<String, Object> fields = JsonParserFactory.getJsonParser().parseMap(line);
		assertThat(fields).containsEntry("method", ECHO)
			.containsEntry("status", "OK")
			.containsEntry("principal", "alice")
			.containsKeys("duration_ms", "peer", "trace_id");
		assertThat(fields.get("trace_id")).asString().matches("[0-9a-f]{32}");
	}

	private Call call(Metadata headers, EchoRequest request) {
		AtomicReference<Metadata> responseHeaders = new AtomicReference<>();
		AtomicReference<Metadata> trailers = new AtomicReference<>();
		stub(headers, responseHeaders, trailers).echo(request);
		return new Call(responseHeaders.get(), trailers.get());
	}

	private EchoServiceGrpc.EchoServiceBlockingStub stub(Metadata headers, AtomicReference<Metadata> responseHeaders,
			AtomicReference<Metadata> trailers) {
		Channel channel = ClientInterceptors.intercept(this.server.newChannel(),
				MetadataUtils.newAttachHeadersInterceptor(headers),
				MetadataUtils.newCaptureMetadataInterceptor(responseHeaders, trailers));
		return EchoServiceGrpc.newBlockingStub(channel);
	}

	private static List<String> accessLines(CapturedOutput output) {
		return output.getOut().lines().filter((line) -> line.contains(" method=")).toList();
	}

	private static String awaitLine(CapturedOutput output, String containing) {
		String line = awaitOutputLine(output, containing);
		assertThat(line).as("written by the access log logger").contains("logging.AccessLog");
		return line;
	}

	private static String awaitOutputLine(CapturedOutput output, String containing) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		Pattern pattern = Pattern.compile("^.*" + Pattern.quote(containing) + ".*$", Pattern.MULTILINE);
		while (System.nanoTime() < deadline) {
			Matcher matcher = pattern.matcher(output.getOut());
			if (matcher.find()) {
				return matcher.group();
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		throw new AssertionError("No access log line containing '" + containing + "' in:\n" + output.getOut());
	}

	private static EchoRequest request(String text) {
		return EchoRequest.newBuilder().setText(text).build();
	}

	private record Call(Metadata headers, Metadata trailers) {
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(EchoGrpcService.class)
	static class AccessLogTestApplication {

		/**
		 * Tracing with an OpenTelemetry SDK, whose trace ids the access log reports. Declared here
		 * because only Spring Boot 3.5's Actuator creates an SDK from the class path by itself (Spring
		 * Boot 4.1 needs its {@code spring-boot-opentelemetry} module).
		 */
		@Bean
		OpenTelemetrySdk openTelemetry() {
			return OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().build()).build();
		}

		/**
		 * Stands in for authentication: takes the caller's name from a header, as the security
		 * feature will take it from a verified token.
		 */
		@Bean
		@GlobalGrpcServerInterceptor
		@Order(PlatformInterceptorOrder.AUTHENTICATION)
		ServerInterceptor testAuthentication() {
			return new ServerInterceptor() {

				@Override
				public <ReqT, RespT> io.grpc.ServerCall.Listener<ReqT> interceptCall(
						io.grpc.ServerCall<ReqT, RespT> call, Metadata headers,
						io.grpc.ServerCallHandler<ReqT, RespT> next) {
					GrpcCallAttributes attributes = GrpcCallAttributes.current();
					String user = headers.get(TEST_USER);
					if (attributes != null && user != null) {
						attributes.setPrincipal(user);
					}
					return next.startCall(call, headers);
				}

			};
		}

	}

}
