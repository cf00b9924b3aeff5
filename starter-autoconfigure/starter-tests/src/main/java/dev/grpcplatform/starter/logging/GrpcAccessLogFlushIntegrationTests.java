package dev.grpcplatform.starter.logging;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.testing.EchoCalls;
import dev.grpcplatform.starter.testing.TestServers;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests of the access log's writer thread in a running application: no line of a
 * finished call is lost when the application stops, and lines dropped by a full queue are counted in
 * the application's metrics.
 */
@ExtendWith(OutputCaptureExtension.class)
class GrpcAccessLogFlushIntegrationTests {

	private static final Metadata.Key<String> REQUEST_ID = Metadata.Key.of("x-request-id",
			Metadata.ASCII_STRING_MARSHALLER);

	private static final Pattern LOGGED_REQUEST_ID = Pattern.compile("request_id=(flush-\\d+)(?=[\\s])");

	@Test
	void stoppingTheApplicationRightAfterItsCallsWritesTheLineOfEveryCall(CapturedOutput output) throws Exception {
		int calls = 300;
		Set<String> sent = new HashSet<>();
		try (RunningGrpcApplication server = TestServers.start()) {
			ManagedChannel channel = server.newChannel();
			for (int i = 0; i < calls; i++) {
				Metadata headers = new Metadata();
				headers.put(REQUEST_ID, "flush-" + i);
				sent.add("flush-" + i);
				EchoCalls.Type type = EchoCalls.Type.values()[i % 2];
				assertThat(EchoCalls.call(channel, type, headers).status().getCode()).isEqualTo(Status.Code.OK);
			}
		}
		// No waiting: closing the application wrote what was still queued.
		Set<String> logged = new HashSet<>();
		Matcher matcher = LOGGED_REQUEST_ID.matcher(output.getOut());
		while (matcher.find()) {
			assertThat(logged.add(matcher.group(1))).as("logged once: %s", matcher.group(1)).isTrue();
		}
		assertThat(logged).isEqualTo(sent);
	}

	@Test
	void everyCallIsEitherLoggedOrCountedAsDroppedInTheApplicationsMetrics(CapturedOutput output) throws Exception {
		int calls = 100;
		MeterRegistry registry;
		GrpcAccessLog accessLog;
		try (RunningGrpcApplication server = TestServers.start("platform.grpc.logging.access-log.queue-capacity=1")) {
			registry = server.bean(MeterRegistry.class);
			accessLog = server.bean(GrpcAccessLog.class);
			ManagedChannel channel = server.newChannel();
			for (int i = 0; i < calls; i++) {
				Metadata headers = new Metadata();
				headers.put(REQUEST_ID, "burst-" + i);
				assertThat(EchoCalls.call(channel, EchoCalls.Type.UNARY, headers).status().getCode())
					.isEqualTo(Status.Code.OK);
			}
		}
		long logged = Pattern.compile("request_id=burst-\\d+\\s").matcher(output.getOut()).results().count();
		double dropped = registry.get(GrpcAccessLog.DROPPED_METER_NAME).functionCounter().count();
		assertThat(dropped).isEqualTo(accessLog.getDroppedLines());
		assertThat(logged + (long) dropped).isEqualTo(calls);
	}

}
