package dev.grpcplatform.starter.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.google.protobuf.ByteString;
import dev.grpcplatform.starter.client.GrpcChannels;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.testing.RawMethods;
import dev.grpcplatform.starter.testing.TestGrpcApplication;
import dev.grpcplatform.starter.testing.TestServers;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoResponse;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ClientStreamTracer;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

/**
 * Integration tests of the gRPC metrics: calls over a real socket, then a scrape of
 * {@code /actuator/prometheus} over HTTP.
 */
class GrpcMetricsIntegrationTests {

	private static final String ECHO = "platform.testing.v1.EchoService/Echo";

	private static final String ECHO_STREAM = "platform.testing.v1.EchoService/EchoStream";

	private static final String CHAT = "platform.testing.v1.EchoService/Chat";

	private final HttpClient http = HttpClient.newHttpClient();

	private RunningGrpcApplication server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void scrapeShowsA66SeriesWithMethodStatusAndCountsOfOkErrorStreamingCancelledAndDeadlineCalls()
			throws Exception {
		this.server = TestServers.startWithWebServer(new Class<?>[] { TestGrpcApplication.class });
		EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(this.server.newChannel());
		for (int i = 0; i < 3; i++) {
			assertThat(stub.echo(request("hello")).getText()).isEqualTo("hello");
		}
		for (int i = 0; i < 2; i++) {
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> stub.echo(request("bad").toBuilder().setFailWith("not-found").build()))
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
		}
		Iterator<EchoResponse> stream = stub.echoStream(request("five").toBuilder().setRepeat(5).build());
		int received = 0;
		while (stream.hasNext()) {
			stream.next();
			received++;
		}
		assertThat(received).isEqualTo(5);
		cancelAfterFirstMessage(stub);
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> EchoServiceGrpc
				.newBlockingStub(ClientInterceptors.intercept(this.server.newChannel(), serverSideDeadline("100m")))
				.echo(request("slow").toBuilder().setDelayMillis(1000).build()))
			// The server resets the stream when its deadline passes: this client, which set none, sees that.
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED));

		PrometheusScrape scrape = awaitScrape((s) -> count(s, ECHO_STREAM, "CANCELLED") == 1
				&& count(s, ECHO, "DEADLINE_EXCEEDED") == 1);
		assertThat(scrape.value("grpc_server_call_started_total", "grpc_method", ECHO)).isEqualTo(6.0);
		assertThat(count(scrape, ECHO, "OK")).isEqualTo(3);
		assertThat(count(scrape, ECHO, "NOT_FOUND")).isEqualTo(2);
		assertThat(count(scrape, ECHO, "DEADLINE_EXCEEDED")).isEqualTo(1);
		assertThat(scrape.value("grpc_server_call_started_total", "grpc_method", ECHO_STREAM)).isEqualTo(2.0);
		assertThat(count(scrape, ECHO_STREAM, "OK")).isEqualTo(1);
		assertThat(count(scrape, ECHO_STREAM, "CANCELLED")).isEqualTo(1);
		// Latency buckets suited to RPCs: the three fast calls are below a second, all under +Inf.
		assertThat(scrape.value("grpc_server_call_duration_seconds_bucket", "grpc_method", ECHO, "grpc_status", "OK",
				"le", "1.0"))
			.isEqualTo(3.0);
		assertThat(scrape.value("grpc_server_call_duration_seconds_bucket", "grpc_method", ECHO, "grpc_status", "OK",
				"le", "+Inf"))
			.isEqualTo(3.0);
		assertThat(scrape.value("grpc_server_call_duration_seconds_bucket", "grpc_method", ECHO, "grpc_status", "OK",
				"le", "1.0E-4"))
			.isNotNull();
		// Compressed bytes per call: 7 bytes of request ("hello"), 7 of response, each in a 5-byte frame.
		assertThat(scrape.value("grpc_server_call_rcvd_total_compressed_message_size_bytes_count", "grpc_method", ECHO,
				"grpc_status", "OK"))
			.isEqualTo(3.0);
		assertThat(scrape.value("grpc_server_call_rcvd_total_compressed_message_size_bytes_sum", "grpc_method", ECHO,
				"grpc_status", "OK"))
			.isEqualTo(3 * 7.0);
		assertThat(scrape.value("grpc_server_call_sent_total_compressed_message_size_bytes_sum", "grpc_method", ECHO,
				"grpc_status", "OK"))
			.isEqualTo(3 * 7.0);
		assertThat(scrape.value("grpc_server_call_sent_total_compressed_message_size_bytes_sum", "grpc_method", ECHO,
				"grpc_status", "NOT_FOUND"))
			.isZero();
		// Streams count their messages; unary methods have no message counters.
		assertThat(scrape.value("grpc_server_call_sent_messages_total", "grpc_method", ECHO_STREAM))
			.isGreaterThanOrEqualTo(6.0);
		assertThat(scrape.value("grpc_server_call_rcvd_messages_total", "grpc_method", ECHO_STREAM)).isEqualTo(2.0);
		assertThat(scrape.value("grpc_server_call_sent_messages_total", "grpc_method", ECHO)).isNull();
		assertThat(scrape.value("grpc_server_call_active", "grpc_method", ECHO)).isZero();
		assertThat(scrape.value("grpc_server_call_active", "grpc_method", ECHO_STREAM)).isZero();
		// Methods not yet called exist with zero calls, so dashboards and alerts see them.
		assertThat(scrape.value("grpc_server_call_started_total", "grpc_method", CHAT)).isZero();
		// The base's own metrics (net.devh's, Spring Boot's Observation timers) are not recorded beside them.
		assertThat(scrape.hasSeriesStartingWith("grpc_server_processing_duration")).isFalse();
		assertThat(scrape.hasSeriesStartingWith("grpc_server_requests_received")).isFalse();
		assertThat(scrape.hasSeriesStartingWith("grpc_server_seconds")).isFalse();
		assertThat(scrape.hasLabel("instrumentation_source")).isFalse();
	}

	@Test
	void callsInFlightShowInTheActiveGauge() throws Exception {
		this.server = TestServers.startWithWebServer(new Class<?>[] { TestGrpcApplication.class });
		EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(this.server.newChannel());
		try (Context.CancellableContext context = Context.current().withCancellation()) {
			Iterator<EchoResponse> stream = context.call(() -> stub
				.echoStream(request("slow").toBuilder().setRepeat(1000).setDelayMillis(50).build()));
			context.run(stream::next);
			PrometheusScrape scrape = awaitScrape(
					(s) -> Double.valueOf(1.0).equals(s.value("grpc_server_call_active", "grpc_method", ECHO_STREAM)));
			assertThat(scrape.value("grpc_server_call_active", "grpc_method", ECHO_STREAM)).isEqualTo(1.0);
			context.cancel(null);
		}
		PrometheusScrape after = awaitScrape((s) -> count(s, ECHO_STREAM, "CANCELLED") == 1);
		assertThat(after.value("grpc_server_call_active", "grpc_method", ECHO_STREAM)).isZero();
	}

	@Test
	void callsTheServerRejectsBeforeAnyInterceptorAreRecordedWithTheirStatus() throws Exception {
		this.server = TestServers.startWithWebServer(new Class<?>[] { TestGrpcApplication.class },
				"platform.grpc.limits.max-inbound-message-size=1KB");
		Channel channel = this.server.newChannel();
		MethodDescriptor<byte[], byte[]> unknown = RawMethods.unary("attacker.Chosen/Name42");
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> ClientCalls.blockingUnaryCall(channel, unknown, CallOptions.DEFAULT, new byte[0]))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> EchoServiceGrpc.newBlockingStub(channel)
				.echo(request("big").toBuilder().setPayload(ByteString.copyFrom(new byte[2048])).build()))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));

		PrometheusScrape scrape = awaitScrape((s) -> count(s, "other", "UNIMPLEMENTED") == 1
				&& count(s, ECHO, "RESOURCE_EXHAUSTED") == 1);
		assertThat(scrape.value("grpc_server_call_started_total", "grpc_method", "other")).isEqualTo(1.0);
		assertThat(scrape.matching("grpc_server_call_started_total", "grpc_method", "attacker.Chosen/Name42")).isEmpty();
		assertThat(scrape.value("grpc_server_call_active", "grpc_method", ECHO)).isZero();
	}

	@Test
	void clientCallsThroughTheBasesChannelsAreRecordedByMethodTargetAndStatus() throws Exception {
		int port = RunningGrpcApplication.freePort();
		this.server = TestServers.startWithWebServer(new Class<?>[] { TestGrpcApplication.class },
				TestServers.calledBySelf(port));
		Channel channel = this.server.bean(GrpcChannels.class).channel("self");
		EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(channel);
		stub.echo(request("one"));
		stub.echo(request("two"));
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub.withDeadlineAfter(100, TimeUnit.MILLISECONDS)
				.echo(request("slow").toBuilder().setDelayMillis(1000).build()))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));

		PrometheusScrape scrape = awaitScrape((s) -> count(s, ECHO, "OK") == 2);
		String target = "127.0.0.1:" + port;
		assertThat(scrape.value("grpc_client_attempt_started_total", "grpc_method", ECHO, "grpc_target", target))
			.isEqualTo(3.0);
		assertThat(scrape.value("grpc_client_attempt_duration_seconds_count", "grpc_method", ECHO, "grpc_target", target,
				"grpc_status", "OK"))
			.isEqualTo(2.0);
		assertThat(scrape.value("grpc_client_call_duration_seconds_count", "grpc_method", ECHO, "grpc_target", target,
				"grpc_status", "OK"))
			.isEqualTo(2.0);
		assertThat(scrape.value("grpc_client_call_duration_seconds_count", "grpc_method", ECHO, "grpc_target", target,
				"grpc_status", "DEADLINE_EXCEEDED"))
			.isEqualTo(1.0);
		assertThat(scrape.hasSeriesStartingWith("grpc_client_processing_duration")).isFalse();
		assertThat(scrape.hasSeriesStartingWith("grpc_client_requests_sent")).isFalse();
		assertThat(scrape.hasSeriesStartingWith("grpc_client_seconds")).isFalse();
	}

	@Test
	void promtoolAcceptsTheExposition() throws Exception {
		this.server = TestServers.startWithWebServer(new Class<?>[] { TestGrpcApplication.class });
		EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(this.server.newChannel());
		stub.echo(request("hello"));
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub.echo(request("bad").toBuilder().setFailWith("status").build()));
		stub.echoStream(request("two").toBuilder().setRepeat(2).build()).forEachRemaining((response) -> {
		});
		String exposition = awaitScrape((s) -> count(s, ECHO_STREAM, "OK") == 1).text();

		// The whole exposition parses (exit code 1 is a parse error; 3 means lint findings, which
		// Spring Boot's own JVM and Tomcat meters have); the gRPC families are lint-clean.
		PromtoolResult all = promtoolCheckMetrics(exposition);
		assertThat(all.exitCode()).as("promtool check metrics said:%n%s", all.output()).isIn(0, 3);
		assertThat(all.output().lines()).noneMatch((finding) -> finding.startsWith("grpc_"))
			.noneMatch((finding) -> finding.contains("error"));
		String grpcFamilies = exposition.lines()
			.filter((line) -> line.startsWith("grpc_") || line.startsWith("# HELP grpc_")
					|| line.startsWith("# TYPE grpc_"))
			.collect(Collectors.joining("\n", "", "\n"));
		assertThat(grpcFamilies).contains("grpc_server_call_duration_seconds_bucket",
				"grpc_server_call_started_total", "grpc_server_call_sent_total_compressed_message_size_bytes_bucket",
				"grpc_server_call_rcvd_total_compressed_message_size_bytes_bucket", "grpc_server_call_active",
				"grpc_server_call_sent_messages_total");
		PromtoolResult grpc = promtoolCheckMetrics(grpcFamilies);
		assertThat(grpc.exitCode()).as("promtool check metrics said:%n%s", grpc.output()).isZero();
		assertThat(grpc.output()).isBlank();
	}

	private static PromtoolResult promtoolCheckMetrics(String exposition) throws Exception {
		Process promtool = startPromtool();
		promtool.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
		promtool.getOutputStream().close();
		String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
		return new PromtoolResult(promtool.exitValue(), output);
	}

	private record PromtoolResult(int exitCode, String output) {
	}

	private static Process startPromtool() throws IOException {
		try {
			return new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			return fail("promtool is needed to check the exposition: install the Debian package 'prometheus' "
					+ "(.ci/run does), or put promtool on the PATH", ex);
		}
	}

	private PrometheusScrape awaitScrape(Predicate<PrometheusScrape> condition) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		PrometheusScrape scrape = scrape();
		while (!condition.test(scrape) && System.nanoTime() < deadline) {
			Thread.sleep(50);
			scrape = scrape();
		}
		return scrape;
	}

	private PrometheusScrape scrape() throws IOException, InterruptedException {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.server.webPort() + "/actuator/prometheus"))
			.header("Accept", "text/plain;version=0.0.4")
			.timeout(Duration.ofSeconds(10))
			.build();
		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return PrometheusScrape.parse(response.body());
	}

	private static int count(PrometheusScrape scrape, String method, String status) {
		Double value = scrape.value("grpc_server_call_duration_seconds_count", "grpc_method", method, "grpc_status",
				status);
		return (value != null) ? value.intValue() : 0;
	}

	private static EchoRequest request(String text) {
		return EchoRequest.newBuilder().setText(text).build();
	}

	private static void cancelAfterFirstMessage(EchoServiceGrpc.EchoServiceBlockingStub stub) {
		try (Context.CancellableContext context = Context.current().withCancellation()) {
			context.run(() -> {
				Iterator<EchoResponse> stream = stub
					.echoStream(request("cancel-me").toBuilder().setRepeat(1000).setDelayMillis(20).build());
				stream.next();
				context.cancel(null);
			});
		}
	}

	/**
	 * A client whose deadline reaches the server but which never cancels by itself, so that the
	 * server's own deadline ends the call (otherwise the client's cancellation usually wins the
	 * race, and the server sees CANCELLED).
	 */
	private static ClientInterceptor serverSideDeadline(String grpcTimeout) {
		Metadata.Key<String> timeoutKey = Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);
		ClientStreamTracer.Factory addTimeout = new ClientStreamTracer.Factory() {

			@Override
			public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
				headers.put(timeoutKey, grpcTimeout);
				return new ClientStreamTracer() {
				};
			}

		};
		return new ClientInterceptor() {

			@Override
			public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
					CallOptions callOptions, Channel next) {
				return next.newCall(method, callOptions.withStreamTracerFactory(addTimeout));
			}

		};
	}

}
