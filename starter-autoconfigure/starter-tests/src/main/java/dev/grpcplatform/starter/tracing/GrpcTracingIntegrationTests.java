package dev.grpcplatform.starter.tracing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.testing.RawMethods;
import dev.grpcplatform.starter.testing.TestServers;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoResponse;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Integration tests of gRPC tracing with the OpenTelemetry SDK and an in-memory exporter, over a real
 * socket.
 */
class GrpcTracingIntegrationTests {

	private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

	private static final String PARENT_SPAN_ID = "b7ad6b7169203331";

	private static final String ECHO = "platform.testing.v1.EchoService/Echo";

	private RunningGrpcApplication server;

	private InMemorySpanExporter spans;

	private TracedEchoService service;

	@BeforeEach
	void start() {
		int port = RunningGrpcApplication.freePort();
		this.server = TestServers.start(new Class<?>[] { TracingTestApplication.class }, TestServers.calledBySelf(port));
		this.spans = this.server.bean(InMemorySpanExporter.class);
		this.service = this.server.bean(TracedEchoService.class);
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void serverSpanContinuesTheCallersTraceparentAndIsCurrentInTheHandler() {
		EchoResponse response = stub(callerHeaders("00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01", null))
			.echo(request("hello"));
		assertThat(response.getText()).isEqualTo("hello");

		SpanData span = awaitSpans((all) -> all.size() == 1).get(0);
		assertThat(span.getName()).isEqualTo(ECHO);
		assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
		assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
		assertThat(span.getParentSpanId()).isEqualTo(PARENT_SPAN_ID);
		assertThat(span.getParentSpanContext().isRemote()).isTrue();
		assertThat(span.getAttributes().get(AttributeKey.stringKey("rpc.system"))).isEqualTo("grpc");
		assertThat(span.getAttributes().get(AttributeKey.stringKey("rpc.service")))
			.isEqualTo("platform.testing.v1.EchoService");
		assertThat(span.getAttributes().get(AttributeKey.stringKey("rpc.method"))).isEqualTo("Echo");
		assertThat(span.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code"))).isZero();
		assertThat(span.getAttributes().get(AttributeKey.stringKey("network.peer.address"))).isEqualTo("127.0.0.1");
		assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
		assertThat(this.service.seen).singleElement()
			.satisfies((seen) -> assertThat(seen.span().getSpanId()).isEqualTo(span.getSpanId()));
	}

	@Test
	void clientCallMadeFromAHandlerIsAChildOfItsServerSpanAndCarriesTheBaggage() {
		EchoResponse response = stub(
				callerHeaders("00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01", "tenant=acme,other=1"))
			.echo(request("relay:leaf"));
		assertThat(response.getText()).isEqualTo("relayed leaf");

		List<SpanData> all = awaitSpans((spans) -> spans.size() == 3);
		SpanData relay = server(all, "relay:leaf", PARENT_SPAN_ID);
		SpanData client = all.stream().filter((span) -> span.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
		SpanData leaf = all.stream()
			.filter((span) -> span.getKind() == SpanKind.SERVER && span != relay)
			.findFirst()
			.orElseThrow();
		assertThat(all).allSatisfy((span) -> assertThat(span.getTraceId()).isEqualTo(TRACE_ID));
		assertThat(client.getName()).isEqualTo(ECHO);
		assertThat(client.getParentSpanId()).isEqualTo(relay.getSpanId());
		assertThat(client.getAttributes().get(AttributeKey.stringKey("rpc.method"))).isEqualTo("Echo");
		assertThat(client.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code"))).isZero();
		assertThat(leaf.getParentSpanId()).isEqualTo(client.getSpanId());
		assertThat(this.service.seen).extracting(TracedEchoService.Seen::tenant).containsExactly("acme", "acme");
	}

	@Test
	void everyMessageHandlerOfABidiStreamSeesTheCallsSpan() throws Exception {
		List<EchoResponse> responses = new ArrayList<>();
		CountDownLatch done = new CountDownLatch(1);
		StreamObserver<EchoRequest> requests = EchoServiceGrpc
			.newStub(ClientInterceptors.intercept(this.server.newChannel(),
					MetadataUtils.newAttachHeadersInterceptor(
							callerHeaders("00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01", "tenant=acme"))))
			.chat(new StreamObserver<>() {

				@Override
				public void onNext(EchoResponse value) {
					responses.add(value);
				}

				@Override
				public void onError(Throwable t) {
					done.countDown();
				}

				@Override
				public void onCompleted() {
					done.countDown();
				}

			});
		for (int i = 0; i < 20; i++) {
			requests.onNext(request("m" + i));
			Thread.sleep(2);
		}
		requests.onCompleted();
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(responses).hasSize(20);

		SpanData span = awaitSpans((all) -> all.size() == 1).get(0);
		assertThat(span.getName()).isEqualTo("platform.testing.v1.EchoService/Chat");
		assertThat(span.getParentSpanId()).isEqualTo(PARENT_SPAN_ID);
		assertThat(this.service.seen).hasSize(22)
			.allSatisfy((seen) -> assertThat(seen.span().getSpanId()).as(seen.what()).isEqualTo(span.getSpanId()))
			.allSatisfy((seen) -> assertThat(seen.tenant()).as(seen.what()).isEqualTo("acme"));
		assertThat(this.service.seen.get(0).what()).isEqualTo("chat-start");
		assertThat(this.service.seen.get(21).what()).isEqualTo("chat-completed");
	}

	@Test
	void malformedTraceparentStartsANewTraceInsteadOfFailingTheCall() {
		EchoResponse response = stub(callerHeaders("00-not-a-trace-id-01", "%%%;;;=")).echo(request("hello"));
		assertThat(response.getText()).isEqualTo("hello");
		SpanData span = awaitSpans((all) -> all.size() == 1).get(0);
		assertThat(span.getParentSpanContext().isValid()).isFalse();
		assertThat(span.getTraceId()).isNotEqualTo(TRACE_ID).hasSize(32);
	}

	@Test
	void callWithoutTraceparentStartsANewTrace() {
		stub(new Metadata()).echo(request("hello"));
		SpanData span = awaitSpans((all) -> all.size() == 1).get(0);
		assertThat(span.getParentSpanContext().isValid()).isFalse();
		assertThat(span.getSpanContext().isValid()).isTrue();
	}

	@Test
	void statusCodeIsRecordedAndServerFaultsMarkTheSpanAsError() {
		EchoServiceGrpc.EchoServiceBlockingStub stub = stub(new Metadata());
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub.echo(request("a").toBuilder().setFailWith("not-found").build()));
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub.echo(request("b").toBuilder().setFailWith("internal").build()));
		MethodDescriptor<byte[], byte[]> unknown = RawMethods.unary("platform.testing.v1.EchoService/Missing");
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> ClientCalls.blockingUnaryCall(this.server.newChannel(), unknown, CallOptions.DEFAULT,
					new byte[0]))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));

		List<SpanData> all = awaitSpans((spans) -> spans.size() == 3);
		assertThat(all).filteredOn((span) -> statusCode(span) == Status.Code.NOT_FOUND.value())
			.singleElement()
			.satisfies((span) -> assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET));
		assertThat(all).filteredOn((span) -> statusCode(span) == Status.Code.INTERNAL.value())
			.singleElement()
			.satisfies((span) -> assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
		assertThat(all).filteredOn((span) -> statusCode(span) == Status.Code.UNIMPLEMENTED.value())
			.singleElement()
			.satisfies((span) -> {
				assertThat(span.getName()).isEqualTo("platform.testing.v1.EchoService/Missing");
				assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
			});
	}

	private static long statusCode(SpanData span) {
		Long code = span.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code"));
		return (code != null) ? code : -1;
	}

	private static SpanData server(List<SpanData> spans, String text, String parentSpanId) {
		return spans.stream()
			.filter((span) -> span.getKind() == SpanKind.SERVER && span.getParentSpanId().equals(parentSpanId))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No server span for " + text + " in " + spans));
	}

	private List<SpanData> awaitSpans(Predicate<List<SpanData>> condition) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		List<SpanData> finished = this.spans.getFinishedSpanItems();
		while (!condition.test(finished) && System.nanoTime() < deadline) {
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			finished = this.spans.getFinishedSpanItems();
		}
		return finished;
	}

	private EchoServiceGrpc.EchoServiceBlockingStub stub(Metadata headers) {
		Channel channel = ClientInterceptors.intercept(this.server.newChannel(),
				MetadataUtils.newAttachHeadersInterceptor(headers));
		return EchoServiceGrpc.newBlockingStub(channel);
	}

	private static Metadata callerHeaders(String traceparent, String baggage) {
		Metadata headers = new Metadata();
		headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER), traceparent);
		if (baggage != null) {
			headers.put(Metadata.Key.of("baggage", Metadata.ASCII_STRING_MARSHALLER), baggage);
		}
		return headers;
	}

	private static EchoRequest request(String text) {
		return EchoRequest.newBuilder().setText(text).build();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(TracedEchoService.class)
	static class TracingTestApplication {

		@Bean
		InMemorySpanExporter inMemorySpanExporter() {
			return InMemorySpanExporter.create();
		}

		@Bean
		OpenTelemetrySdk openTelemetry(InMemorySpanExporter inMemorySpanExporter) {
			return OpenTelemetrySdk.builder()
				.setTracerProvider(SdkTracerProvider.builder()
					.addSpanProcessor(SimpleSpanProcessor.create(inMemorySpanExporter))
					.build())
				.setPropagators(ContextPropagators.create(TextMapPropagator
					.composite(W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())))
				.build();
		}

	}

}
