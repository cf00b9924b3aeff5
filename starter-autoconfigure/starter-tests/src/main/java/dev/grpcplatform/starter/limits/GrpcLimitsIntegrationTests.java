package dev.grpcplatform.starter.limits;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.server.GlobalGrpcServerInterceptor;
import dev.grpcplatform.starter.server.GrpcServerBuilderCustomizer;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import dev.grpcplatform.starter.testing.TestGrpcApplication;
import dev.grpcplatform.starter.testing.TestServers;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoResponse;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.Attributes;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for the gRPC server's limits over a real socket.
 */
class GrpcLimitsIntegrationTests {

	private static final Class<?>[] SOURCES = { TestGrpcApplication.class, Probes.class };

	@Test
	void messageOverTheDefaultFourMebibytesIsRejectedAndTheNextCallSucceeds() {
		try (RunningGrpcApplication server = TestServers.start(SOURCES)) {
			EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(server.newChannel());
			EchoRequest tooLarge = request("big").setPayload(ByteString.copyFrom(new byte[5 * 1024 * 1024])).build();
			assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> stub.echo(tooLarge))
				.satisfies((ex) -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
					assertThat(ex.getStatus().getDescription()).contains("exceeds maximum");
				});
			assertThat(server.bean(EchoGrpcService.class).received).isEmpty();
			EchoRequest fits = request("small").setPayload(ByteString.copyFrom(new byte[3 * 1024 * 1024])).build();
			assertThat(stub.echo(fits).getText()).isEqualTo("small");
		}
	}

	@Test
	void messageSizeLimitFollowsProperty() {
		try (RunningGrpcApplication server = TestServers.start(SOURCES, "platform.grpc.limits.max-inbound-message-size=1KB")) {
			EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(server.newChannel());
			EchoRequest tooLarge = request("big").setPayload(ByteString.copyFrom(new byte[2048])).build();
			assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> stub.echo(tooLarge))
				.extracting((ex) -> ex.getStatus().getCode())
				.isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
			assertThat(stub.echo(request("ok").build()).getText()).isEqualTo("ok");
		}
	}

	@Test
	void metadataOverTheLimitIsRejectedAndTheNextCallSucceeds() {
		try (RunningGrpcApplication server = TestServers.start(SOURCES, "platform.grpc.limits.max-inbound-metadata-size=1KB")) {
			ManagedChannel channel = server.newChannel();
			Metadata headers = new Metadata();
			headers.put(Metadata.Key.of("x-large", Metadata.ASCII_STRING_MARSHALLER), "x".repeat(4096));
			EchoServiceGrpc.EchoServiceBlockingStub withLargeHeaders = EchoServiceGrpc.newBlockingStub(channel)
				.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> withLargeHeaders.echo(request("large headers").build()))
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isIn(Status.Code.RESOURCE_EXHAUSTED,
						Status.Code.INTERNAL));
			assertThat(server.bean(EchoGrpcService.class).received).isEmpty();
			assertThat(EchoServiceGrpc.newBlockingStub(channel).echo(request("ok").build()).getText()).isEqualTo("ok");
		}
	}

	@Test
	void handlersRunOnTheBoundedPlatformExecutor() {
		try (RunningGrpcApplication server = TestServers.start(SOURCES)) {
			EchoServiceGrpc.newBlockingStub(server.newChannel()).echo(request("where").build());
			assertThat(server.bean(Probes.class).handlerThreads).isNotEmpty().allMatch((name) -> name.startsWith("grpc-exec-"));
		}
	}

	@Test
	void callsBeyondMaxConcurrentCallsPerConnectionWaitAndThenSucceed() throws Exception {
		try (RunningGrpcApplication server = TestServers.start(SOURCES,
				"platform.grpc.limits.max-concurrent-calls-per-connection=2")) {
			EchoServiceGrpc.EchoServiceFutureStub stub = EchoServiceGrpc.newFutureStub(server.newChannel());
			List<ListenableFuture<EchoResponse>> calls = List.of(stub.echo(request("a").setDelayMillis(1500).build()),
					stub.echo(request("b").setDelayMillis(1500).build()),
					stub.echo(request("c").setDelayMillis(1500).build()));
			EchoGrpcService service = server.bean(EchoGrpcService.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> service.received.size() == 2);
			Thread.sleep(500);
			assertThat(service.received).hasSize(2);
			for (ListenableFuture<EchoResponse> call : calls) {
				assertThat(call.get().getText()).isIn("a", "b", "c");
			}
			assertThat(service.received).hasSize(3);
		}
	}

	@Test
	void clientReconnectsAfterMaxConnectionAgeAndKeepsSucceeding() {
		try (RunningGrpcApplication server = TestServers.start(SOURCES, "platform.grpc.limits.connection.max-age=1s",
				"platform.grpc.limits.connection.max-age-grace=1s")) {
			EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(server.newChannel());
			Probes probes = server.bean(Probes.class);
			assertThat(stub.echo(request("first").build()).getText()).isEqualTo("first");
			await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
				assertThat(stub.echo(request("again").build()).getText()).isEqualTo("again");
				assertThat(probes.connections.get()).isGreaterThanOrEqualTo(2);
			});
		}
	}

	private static EchoRequest.Builder request(String text) {
		return EchoRequest.newBuilder().setText(text);
	}

	/**
	 * Records the threads handlers run on and the connections the server accepts.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Probes {

		final Set<String> handlerThreads = ConcurrentHashMap.newKeySet();

		final AtomicInteger connections = new AtomicInteger();

		@Bean
		@GlobalGrpcServerInterceptor
		ServerInterceptor threadRecordingInterceptor() {
			return new ServerInterceptor() {

				@Override
				public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
						Metadata headers, ServerCallHandler<ReqT, RespT> next) {
					Probes.this.handlerThreads.add(Thread.currentThread().getName());
					return next.startCall(call, headers);
				}

			};
		}

		@Bean
		GrpcServerBuilderCustomizer connectionCountingCustomizer() {
			return (builder) -> builder.addTransportFilter(new ServerTransportFilter() {

				@Override
				public Attributes transportReady(Attributes transportAttrs) {
					Probes.this.connections.incrementAndGet();
					return transportAttrs;
				}

			});
		}

	}

}
