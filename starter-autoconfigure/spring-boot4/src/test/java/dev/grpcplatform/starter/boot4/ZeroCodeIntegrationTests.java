package dev.grpcplatform.starter.boot4;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.google.common.util.concurrent.ListenableFuture;

import com.google.rpc.BadRequest;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.security.DevelopmentTokens;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoResponse;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a Spring Boot 4.1 application with the starter and one service bean gets without any code:
 * authentication, validation with {@code BadRequest}, the A66 metrics at {@code /actuator/prometheus}
 * and health that turns {@code NOT_SERVING} when shutdown begins while calls in flight finish.
 */
class ZeroCodeIntegrationTests {

	@Test
	void applicationWithOneServiceBeanGetsThePlatformOnBoot4() throws Exception {
		try (RunningGrpcApplication app = RunningGrpcApplication.builder(OneServiceApplication.class)
			.withWebServer()
			.properties("spring.profiles.active=dev", "platform.grpc.shutdown.grace-period=10s")
			.start()) {
			EchoServiceGrpc.EchoServiceBlockingStub anonymous = EchoServiceGrpc.newBlockingStub(app.channel());
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> anonymous.echo(EchoRequest.newBuilder().setText("hi").build()))
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));

			String token = DevelopmentTokens.mint("ada");
			EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(app.newChannel(token));
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> stub.echo(EchoRequest.newBuilder().setText("x".repeat(10)).setRepeat(-1).build()))
				.satisfies((ex) -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
					com.google.rpc.Status details = StatusProto.fromThrowable(ex);
					assertThat(details).isNotNull();
					assertThat(details.getDetailsList()).anySatisfy((any) -> assertThat(any.is(BadRequest.class)).isTrue());
				});
			assertThat(stub.echo(EchoRequest.newBuilder().setText("hello").build()).getText()).isEqualTo("hello");

			HttpResponse<String> scrape = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.webPort() + "/actuator/prometheus"))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(scrape.body()).contains(
					"grpc_server_call_duration_seconds_bucket{grpc_method=\"platform.testing.v1.EchoService/Echo\",grpc_status=\"OK\"");

			HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(app.channel());
			assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
			BlockingQueue<ServingStatus> watched = new LinkedBlockingQueue<>();
			HealthGrpc.newStub(app.newChannel()).watch(HealthCheckRequest.getDefaultInstance(), new StreamObserver<>() {

				@Override
				public void onNext(HealthCheckResponse response) {
					watched.add(response.getStatus());
				}

				@Override
				public void onError(Throwable ex) {
				}

				@Override
				public void onCompleted() {
				}

			});
			assertThat(watched.poll(5, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);

			ListenableFuture<EchoResponse> inFlight = EchoServiceGrpc.newFutureStub(app.newChannel(token))
				.echo(EchoRequest.newBuilder().setText("slow").setDelayMillis(2000).build());
			Thread.sleep(300);
			CompletableFuture<Void> closing = CompletableFuture.runAsync(app.context()::close);
			assertThat(watched.poll(5, TimeUnit.SECONDS)).isEqualTo(ServingStatus.NOT_SERVING);
			assertThat(inFlight.isDone()).isFalse();
			assertThat(inFlight.get(10, TimeUnit.SECONDS).getText()).isEqualTo("slow");
			closing.get(20, TimeUnit.SECONDS);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(EchoGrpcService.class)
	static class OneServiceApplication {

	}

}
