package dev.grpcplatform.starter.logging;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.logging.LogLevel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

/**
 * Tests of how {@link GrpcAccessLog} hands its lines to the logger: off the thread that ends the call,
 * unchanged, all of them at close, and a bounded queue that drops and counts instead of waiting.
 */
class GrpcAccessLogWriterTests {

	private static final String METHOD = "platform.testing.v1.EchoService/Echo";

	private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
			Metadata.ASCII_STRING_MARSHALLER);

	private static final Metadata.Key<String> REQUEST_ID = Metadata.Key.of("x-request-id",
			Metadata.ASCII_STRING_MARSHALLER);

	private final Logger accessLogger = (Logger) LoggerFactory.getLogger(GrpcAccessLog.LOGGER_NAME);

	private final List<ch.qos.logback.core.Appender<ILoggingEvent>> appenders = new ArrayList<>();

	private final List<GrpcAccessLog> accessLogs = new ArrayList<>();

	@BeforeEach
	void logAtInfo() {
		this.accessLogger.setLevel(ch.qos.logback.classic.Level.INFO);
		this.accessLogger.setAdditive(false);
	}

	private Runnable restoreStdout = () -> {
	};

	@AfterEach
	void detach() {
		this.accessLogs.forEach(GrpcAccessLog::close);
		this.restoreStdout.run();
		this.appenders.forEach(this.accessLogger::detachAppender);
		this.accessLogger.setLevel(null);
		this.accessLogger.setAdditive(true);
	}

	@Test
	void linesReachTheLoggerUnchangedAndNotOnTheThreadThatEndsTheCall() {
		RecordingAppender lines = attach(new RecordingAppender());
		GrpcAccessLog accessLog = accessLog(16);
		Metadata headers = new Metadata();
		headers.put(REQUEST_ID, "req-42");
		headers.put(AUTHORIZATION, "Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJl");
		ServerStreamTracer call = start(accessLog, METHOD, headers, "10.0.3.7", 51234);
		call.streamClosed(Status.NOT_FOUND);
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !lines.list.isEmpty());
		accessLog.close();

		assertThat(lines.list).singleElement().satisfies((event) -> {
			assertThat(event.getFormattedMessage()).matches("method=" + METHOD.replace(".", "\\.")
					+ " status=NOT_FOUND duration_ms=\\d+\\.\\d{3} peer=10\\.0\\.3\\.7:51234 request_id=req-42");
			assertThat(event.getLevel()).isEqualTo(ch.qos.logback.classic.Level.INFO);
			assertThat(event.getKeyValuePairs()).extracting((pair) -> pair.key)
				.containsExactly("method", "status", "duration_ms", "peer", "request_id");
			assertThat(event.getKeyValuePairs()).extracting((pair) -> String.valueOf(pair.value))
				.contains(METHOD, "NOT_FOUND", "10.0.3.7:51234", "req-42");
			assertThat(event.getThreadName()).isEqualTo(GrpcAccessLog.WRITER_THREAD_NAME);
		});
	}

	@Test
	void callersValuesAreStillQuotedAndSecretsNeverLogged() {
		RecordingAppender lines = attach(new RecordingAppender());
		GrpcAccessLog accessLog = accessLog(16);
		String token = "Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJl";
		Metadata headers = new Metadata();
		headers.put(AUTHORIZATION, token);
		headers.put(REQUEST_ID, "forged status=OK");
		ServerStreamTracer unknown = accessLog.newServerStreamTracer("no.Such/Method\nstatus=OK", headers);
		unknown.filterContext(Context.ROOT);
		unknown.streamClosed(Status.UNIMPLEMENTED);
		accessLog.close();

		assertThat(lines.list).singleElement().satisfies((event) -> {
			assertThat(event.getFormattedMessage()).startsWith("method=\"no.Such/Method\\nstatus=OK\" status=UNIMPLEMENTED")
				.containsPattern("request_id=[0-9a-f]{32}$")
				.doesNotContain("forged")
				.doesNotContain("eyJ");
			assertThat(event.getKeyValuePairs()).extracting((pair) -> String.valueOf(pair.value))
				.noneMatch((value) -> value.contains("eyJ") || value.contains("forged"));
		});
	}

	@Test
	void closingWritesTheLineOfEveryFinishedCall() throws Exception {
		RecordingAppender lines = attach(new RecordingAppender());
		GrpcAccessLog accessLog = accessLog(GrpcAccessLog.DEFAULT_QUEUE_CAPACITY);
		int threads = 4;
		int callsPerThread = 1500;
		ExecutorService transport = Executors.newFixedThreadPool(threads);
		for (int t = 0; t < threads; t++) {
			int thread = t;
			transport.execute(() -> {
				for (int i = 0; i < callsPerThread; i++) {
					Metadata headers = new Metadata();
					headers.put(REQUEST_ID, "call-" + thread + "-" + i);
					start(accessLog, METHOD, headers, "127.0.0.1", 5000 + thread).streamClosed(Status.OK);
				}
			});
		}
		transport.shutdown();
		assertThat(transport.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
		accessLog.close();

		assertThat(accessLog.getDroppedLines()).isZero();
		assertThat(lines.list).hasSize(threads * callsPerThread);
		assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).doesNotHaveDuplicates();
		for (int t = 0; t < threads; t++) {
			String peer = "peer=127.0.0.1:" + (5000 + t);
			List<String> ofThread = lines.list.stream()
				.map(ILoggingEvent::getFormattedMessage)
				.filter((line) -> line.contains(peer))
				.toList();
			assertThat(ofThread).as("lines of transport thread %d, in the order its calls ended", t)
				.hasSize(callsPerThread)
				.first(STRING)
				.endsWith("request_id=call-" + t + "-0");
			assertThat(ofThread.get(callsPerThread - 1)).endsWith("request_id=call-" + t + "-" + (callsPerThread - 1));
		}
	}

	@Test
	void callsEndingAfterCloseAreStillLogged() {
		RecordingAppender lines = attach(new RecordingAppender());
		GrpcAccessLog accessLog = accessLog(16);
		ServerStreamTracer draining = start(accessLog, METHOD, new Metadata(), "127.0.0.1", 5000);
		accessLog.close();
		draining.streamClosed(Status.CANCELLED);

		assertThat(lines.list).singleElement()
			.extracting(ILoggingEvent::getFormattedMessage, STRING)
			.contains("status=CANCELLED");
	}

	@Test
	void aBurstThatOverflowsTheQueueIsDroppedAndCountedWithoutWaiting() throws Exception {
		BlockingAppender blocked = attach(new BlockingAppender());
		GrpcAccessLog accessLog = accessLog(4);
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		accessLog.bindTo(registry);

		// The first line occupies the writer thread (its appender is stuck), four wait in the queue.
		start(accessLog, METHOD, new Metadata(), "127.0.0.1", 5000).streamClosed(Status.OK);
		assertThat(blocked.entered.await(30, TimeUnit.SECONDS)).isTrue();
		for (int i = 0; i < 100; i++) {
			start(accessLog, METHOD, new Metadata(), "127.0.0.1", 5000).streamClosed(Status.OK);
		}
		// Every call above ended while the appender was still stuck: none of them waited for it.
		assertThat(blocked.written).isEmpty();
		assertThat(accessLog.getDroppedLines()).isEqualTo(96);
		assertThat(registry.get(GrpcAccessLog.DROPPED_METER_NAME).functionCounter().count()).isEqualTo(96);

		blocked.release.countDown();
		accessLog.close();
		assertThat(blocked.written).hasSize(5);
		assertThat(accessLog.getDroppedLines()).isEqualTo(96);
	}

	@Test
	void nothingIsQueuedWhenTheLoggerIsOff() {
		RecordingAppender lines = attach(new RecordingAppender());
		GrpcAccessLog accessLog = new GrpcAccessLog(LogLevel.OFF, "x-request-id", (context) -> null, 1);
		this.accessLogs.add(accessLog);
		for (int i = 0; i < 10; i++) {
			start(accessLog, METHOD, new Metadata(), "127.0.0.1", 5000).streamClosed(Status.OK);
		}
		accessLog.close();
		assertThat(lines.list).isEmpty();
		assertThat(accessLog.getDroppedLines()).isZero();
	}

	@Test
	void stdoutTargetWritesLogfmtLinesWithTheTimeTheCallEndedAndNoLoggingEvent() {
		RecordingAppender events = attach(new RecordingAppender());
		RecordingStdout stdout = captureStdout(new RecordingStdout());
		GrpcAccessLog accessLog = stdoutAccessLog(GrpcAccessLog.Format.LOGFMT);
		Metadata headers = new Metadata();
		headers.put(REQUEST_ID, "req-42");
		long before = System.currentTimeMillis();
		ServerStreamTracer call = start(accessLog, METHOD, headers, "10.0.3.7", 51234);
		call.streamClosed(Status.NOT_FOUND);
		long after = System.currentTimeMillis();
		accessLog.close();

		assertThat(stdout.lines()).singleElement().satisfies((line) -> {
			assertThat(line).matches("time=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z method="
					+ METHOD.replace(".", "\\.")
					+ " status=NOT_FOUND duration_ms=\\d+\\.\\d{3} peer=10\\.0\\.3\\.7:51234 request_id=req-42");
			Instant time = Instant.parse(line.substring("time=".length(), line.indexOf(' ')));
			assertThat(time.toEpochMilli()).isBetween(before, after);
		});
		assertThat(events.list).isEmpty();
	}

	@Test
	void stdoutTargetWritesEachBatchOfLinesInOneWriteInCallOrder() throws Exception {
		RecordingStdout stdout = captureStdout(new RecordingStdout());
		stdout.blockFirstWrite();
		GrpcAccessLog accessLog = stdoutAccessLog(GrpcAccessLog.Format.LOGFMT);
		start(accessLog, METHOD, requestId("call-0"), "127.0.0.1", 5000).streamClosed(Status.OK);
		// The writer thread is stuck writing the first line; the next calls wait in the queue.
		assertThat(stdout.entered.await(30, TimeUnit.SECONDS)).isTrue();
		for (int i = 1; i <= 300; i++) {
			start(accessLog, METHOD, requestId("call-" + i), "127.0.0.1", 5000).streamClosed(Status.OK);
		}
		stdout.release.countDown();
		accessLog.close();

		List<String> lines = stdout.lines();
		assertThat(lines).hasSize(301);
		for (int i = 0; i <= 300; i++) {
			assertThat(lines.get(i)).endsWith(" request_id=call-" + i);
		}
		assertThat(stdout.writes).as("one write for the first line, one for the 300 queued behind it").hasValue(2);
	}

	@Test
	void stdoutJsonLinesParseBackToTheCallersExactValues() throws Exception {
		RecordingStdout stdout = captureStdout(new RecordingStdout());
		GrpcAccessLog accessLog = stdoutAccessLog(GrpcAccessLog.Format.JSON);
		String hostileMethod = "no.Such/Method\",\"status\":\"OK\"}\n{\"evil\u202e\\";
		ServerStreamTracer unknown = accessLog.newServerStreamTracer(hostileMethod, requestId("req-7"));
		unknown.filterContext(Context.ROOT);
		unknown.streamClosed(Status.UNIMPLEMENTED);
		start(accessLog, METHOD, new Metadata(), "::1", 443).streamClosed(Status.OK);
		accessLog.close();

		List<String> lines = stdout.lines();
		assertThat(lines).hasSize(2);
		ObjectMapper json = new ObjectMapper();
		JsonNode first = json.readTree(lines.get(0));
		assertThat(first.get("method").asText()).isEqualTo(hostileMethod);
		assertThat(first.get("status").asText()).isEqualTo("UNIMPLEMENTED");
		assertThat(first.get("request_id").asText()).isEqualTo("req-7");
		assertThat(first.get("duration_ms").isNumber()).isTrue();
		assertThat(Instant.parse(first.get("@timestamp").asText())).isBefore(Instant.now().plusSeconds(1));
		assertThat(lines.get(0)).doesNotContain("\u202e");
		JsonNode second = json.readTree(lines.get(1));
		assertThat(second.get("peer").asText()).isEqualTo("[0:0:0:0:0:0:0:1]:443");
		assertThat(second.get("request_id").asText()).matches("[0-9a-f]{32}");
		assertThat(second.has("principal")).isFalse();
	}

	@Test
	void aStdoutLineThatFailsIsLeftOutWholeAndTheWriterGoesOn() {
		RecordingStdout stdout = captureStdout(new RecordingStdout());
		// A trace id source that fails for the second line, as a broken tracing set-up would.
		AtomicInteger traceIdCalls = new AtomicInteger();
		GrpcAccessLog accessLog = new GrpcAccessLog(LogLevel.INFO, "x-request-id", (context) -> {
			if (traceIdCalls.incrementAndGet() == 2) {
				throw new IllegalStateException("no trace id");
			}
			return null;
		}, GrpcAccessLog.DEFAULT_QUEUE_CAPACITY, GrpcAccessLog.Target.STDOUT, GrpcAccessLog.Format.JSON);
		this.accessLogs.add(accessLog);
		for (String id : List.of("before", "broken", "after")) {
			ServerStreamTracer call = start(accessLog, METHOD, requestId(id), "127.0.0.1", 5000);
			call.streamClosed(Status.OK);
		}
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> accessLines(stdout).size() == 2);
		start(accessLog, METHOD, requestId("later"), "127.0.0.1", 5000).streamClosed(Status.OK);
		accessLog.close();

		// The platform's warning goes to the console too (the application's logging); the access log's
		// own lines are whole JSON objects, the failed one left out.
		assertThat(stdout.lines()).anyMatch((line) -> line.contains("Could not write an access log line"));
		List<String> lines = accessLines(stdout);
		assertThat(lines).hasSize(3).allSatisfy((line) -> assertThat(line).endsWith("}").doesNotContain("broken"));
		assertThat(lines).extracting((line) -> line.replaceAll(".*\"request_id\":\"([^\"]*)\".*", "$1"))
			.containsExactly("before", "after", "later");
	}

	private static List<String> accessLines(RecordingStdout stdout) {
		return stdout.lines().stream().filter((line) -> line.startsWith("{\"@timestamp\"")).toList();
	}

	@Test
	void stdoutTargetStillFollowsTheLoggersLevel() {
		RecordingStdout stdout = captureStdout(new RecordingStdout());
		this.accessLogger.setLevel(ch.qos.logback.classic.Level.WARN);
		GrpcAccessLog accessLog = stdoutAccessLog(GrpcAccessLog.Format.LOGFMT);
		start(accessLog, METHOD, new Metadata(), "127.0.0.1", 5000).streamClosed(Status.OK);
		this.accessLogger.setLevel(ch.qos.logback.classic.Level.INFO);
		start(accessLog, METHOD, requestId("after"), "127.0.0.1", 5000).streamClosed(Status.OK);
		accessLog.close();
		assertThat(stdout.lines()).singleElement(STRING)
			.endsWith("request_id=after");
	}

	@Test
	void stdoutLinesOfCallsEndingAfterCloseAreStillWritten() {
		RecordingStdout stdout = captureStdout(new RecordingStdout());
		GrpcAccessLog accessLog = stdoutAccessLog(GrpcAccessLog.Format.JSON);
		ServerStreamTracer draining = start(accessLog, METHOD, requestId("draining"), "127.0.0.1", 5000);
		accessLog.close();
		draining.streamClosed(Status.CANCELLED);

		// Written on the thread that ends the call, before streamClosed returns.
		assertThat(stdout.lines()).singleElement(STRING)
			.startsWith("{\"@timestamp\":")
			.contains("\"status\":\"CANCELLED\"", "\"request_id\":\"draining\"")
			.endsWith("}");
	}

	private static Metadata requestId(String id) {
		Metadata headers = new Metadata();
		headers.put(REQUEST_ID, id);
		return headers;
	}

	private GrpcAccessLog stdoutAccessLog(GrpcAccessLog.Format format) {
		GrpcAccessLog accessLog = new GrpcAccessLog(LogLevel.INFO, "x-request-id", (context) -> null,
				GrpcAccessLog.DEFAULT_QUEUE_CAPACITY, GrpcAccessLog.Target.STDOUT, format);
		this.accessLogs.add(accessLog);
		return accessLog;
	}

	private RecordingStdout captureStdout(RecordingStdout stdout) {
		PrintStream original = System.out;
		System.setOut(new PrintStream(stdout, false, StandardCharsets.UTF_8));
		this.restoreStdout = () -> System.setOut(original);
		return stdout;
	}

	private GrpcAccessLog accessLog(int capacity) {
		GrpcAccessLog accessLog = new GrpcAccessLog(LogLevel.INFO, "x-request-id", (context) -> null, capacity);
		this.accessLogs.add(accessLog);
		return accessLog;
	}

	private <A extends AppenderBase<ILoggingEvent>> A attach(A appender) {
		appender.setContext(this.accessLogger.getLoggerContext());
		appender.start();
		this.accessLogger.addAppender(appender);
		this.appenders.add(appender);
		return appender;
	}

	private static ServerStreamTracer start(GrpcAccessLog accessLog, String method, Metadata headers, String host,
			int port) {
		ServerStreamTracer tracer = accessLog.newServerStreamTracer(method, headers);
		tracer.filterContext(Context.ROOT);
		Attributes attributes = Attributes.newBuilder()
			.set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, new InetSocketAddress(host, port))
			.build();
		tracer.serverCallStarted(new CallInfo(method, attributes));
		return tracer;
	}

	private static final class CallInfo extends ServerStreamTracer.ServerCallInfo<InputStream, InputStream> {

		private final MethodDescriptor<InputStream, InputStream> method;

		private final Attributes attributes;

		CallInfo(String fullMethodName, Attributes attributes) {
			this.method = MethodDescriptor.<InputStream, InputStream>newBuilder()
				.setType(MethodDescriptor.MethodType.UNARY)
				.setFullMethodName(fullMethodName)
				.setRequestMarshaller(Raw.INSTANCE)
				.setResponseMarshaller(Raw.INSTANCE)
				.build();
			this.attributes = attributes;
		}

		@Override
		public MethodDescriptor<InputStream, InputStream> getMethodDescriptor() {
			return this.method;
		}

		@Override
		public Attributes getAttributes() {
			return this.attributes;
		}

		@Override
		public String getAuthority() {
			return "localhost";
		}

	}

	private enum Raw implements MethodDescriptor.Marshaller<InputStream> {

		INSTANCE;

		@Override
		public InputStream stream(InputStream value) {
			return value;
		}

		@Override
		public InputStream parse(InputStream stream) {
			return new ByteArrayInputStream(new byte[0]);
		}

	}

	/**
	 * Standard output as a test sees it: what was written, and how many writes it took; its first
	 * write can be held up, as a full pipe holds one up.
	 */
	private static final class RecordingStdout extends OutputStream {

		final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		final AtomicInteger writes = new AtomicInteger();

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		private volatile boolean blockFirst;

		void blockFirstWrite() {
			this.blockFirst = true;
		}

		@Override
		public void write(int b) {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] b, int off, int len) {
			if (this.writes.incrementAndGet() == 1 && this.blockFirst) {
				this.entered.countDown();
				try {
					this.release.await(1, TimeUnit.MINUTES);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			synchronized (this.bytes) {
				this.bytes.write(b, off, len);
			}
		}

		List<String> lines() {
			synchronized (this.bytes) {
				return this.bytes.toString(StandardCharsets.UTF_8).lines().toList();
			}
		}

	}

	/**
	 * An appender that keeps the lines, with the name of the thread that wrote each.
	 */
	private static final class RecordingAppender extends ListAppender<ILoggingEvent> {

		@Override
		protected void append(ILoggingEvent event) {
			// Takes the thread's name now, as an appender that writes it would.
			event.prepareForDeferredProcessing();
			super.append(event);
		}

	}

	/**
	 * An appender that is stuck on its first line until released, as a slow disk or a full pipe is.
	 */
	private static final class BlockingAppender extends AppenderBase<ILoggingEvent> {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final List<String> written = java.util.Collections.synchronizedList(new ArrayList<>());

		@Override
		protected void append(ILoggingEvent event) {
			this.entered.countDown();
			try {
				this.release.await(1, TimeUnit.MINUTES);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.written.add(event.getFormattedMessage());
		}

	}

}
