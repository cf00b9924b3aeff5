package dev.grpcplatform.starter.tracing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcTracing} and the interceptors' pass-through without an SDK.
 */
class GrpcTracingTests {

	@Test
	void apiWithoutSdkLeavesTracingInactive() {
		assertThat(new GrpcTracing(OpenTelemetry.noop()).isEnabled()).isFalse();
	}

	@Test
	void propagatorsWithoutSdkStillPassTheCallersContextOn() {
		GrpcTracing tracing = new GrpcTracing(
				OpenTelemetry.propagating(ContextPropagators.create(W3CTraceContextPropagator.getInstance())));
		assertThat(tracing.isEnabled()).isTrue();
		assertThat(tracing.propagator().fields()).contains("traceparent");
	}

	@Test
	void sdkWithoutPropagatorsUsesW3cTraceContextAndBaggage() {
		GrpcTracing tracing = new GrpcTracing(
				OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().build()).build());
		assertThat(tracing.isEnabled()).isTrue();
		SpanContext spanContext = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
				TraceFlags.getSampled(), TraceState.getDefault());
		Context context = Context.root()
			.with(Span.wrap(spanContext))
			.with(Baggage.builder().put("tenant", "acme").build());
		Metadata headers = new Metadata();
		tracing.propagator().inject(context, headers, MetadataTextMap.INSTANCE);
		assertThat(headers.get(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER)))
			.isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
		assertThat(headers.get(Metadata.Key.of("baggage", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("tenant=acme");
	}

	@Test
	void withoutSdkTheServerInterceptorReturnsTheHandlersOwnListener() {
		TracingServerInterceptor interceptor = new TracingServerInterceptor(new GrpcTracing(OpenTelemetry.noop()));
		ServerCall.Listener<String> handlerListener = new ServerCall.Listener<>() {
		};
		ServerCallHandler<String, Integer> handler = (call, headers) -> handlerListener;
		assertThat(interceptor.interceptCall(null, new Metadata(), handler)).isSameAs(handlerListener);
	}

	@Test
	void withoutSdkTheClientInterceptorReturnsTheChannelsOwnCall() {
		TracingClientInterceptor interceptor = new TracingClientInterceptor(new GrpcTracing(OpenTelemetry.noop()));
		ClientCall<String, String> own = new NoopClientCall<>();
		Channel channel = new Channel() {

			@Override
			@SuppressWarnings("unchecked")
			public <ReqT, RespT> ClientCall<ReqT, RespT> newCall(MethodDescriptor<ReqT, RespT> method,
					CallOptions callOptions) {
				return (ClientCall<ReqT, RespT>) own;
			}

			@Override
			public String authority() {
				return "localhost";
			}

		};
		MethodDescriptor<String, String> method = MethodDescriptor.<String, String>newBuilder()
			.setType(MethodDescriptor.MethodType.UNARY)
			.setFullMethodName("test.Service/Method")
			.setRequestMarshaller(new StringMarshaller())
			.setResponseMarshaller(new StringMarshaller())
			.build();
		assertThat(interceptor.interceptCall(method, CallOptions.DEFAULT, channel)).isSameAs(own);
	}

	private static final class NoopClientCall<ReqT, RespT> extends ClientCall<ReqT, RespT> {

		@Override
		public void start(Listener<RespT> responseListener, Metadata headers) {
		}

		@Override
		public void request(int numMessages) {
		}

		@Override
		public void cancel(String message, Throwable cause) {
		}

		@Override
		public void halfClose() {
		}

		@Override
		public void sendMessage(ReqT message) {
		}

	}

	private static final class StringMarshaller implements MethodDescriptor.Marshaller<String> {

		@Override
		public java.io.InputStream stream(String value) {
			return new java.io.ByteArrayInputStream(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}

		@Override
		public String parse(java.io.InputStream stream) {
			try {
				return new String(stream.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
			}
			catch (java.io.IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
		}

	}

}
