package dev.grpcplatform.starter.metrics;

import java.time.Duration;

/**
 * Names, tags and bucket boundaries of the platform's gRPC meters: the names of gRFC A66 (as
 * grpc-java's grpc-opentelemetry module uses them), so that existing dashboards find them.
 */
final class GrpcMeterNames {

	static final String SERVER_CALL_STARTED = "grpc.server.call.started";

	static final String SERVER_CALL_DURATION = "grpc.server.call.duration";

	static final String SERVER_CALL_SENT_SIZE = "grpc.server.call.sent_total_compressed_message_size";

	static final String SERVER_CALL_RECEIVED_SIZE = "grpc.server.call.rcvd_total_compressed_message_size";

	static final String SERVER_CALL_ACTIVE = "grpc.server.call.active";

	static final String SERVER_CALL_SENT_MESSAGES = "grpc.server.call.sent_messages";

	static final String SERVER_CALL_RECEIVED_MESSAGES = "grpc.server.call.rcvd_messages";

	static final String CLIENT_ATTEMPT_STARTED = "grpc.client.attempt.started";

	static final String CLIENT_ATTEMPT_DURATION = "grpc.client.attempt.duration";

	static final String CLIENT_CALL_DURATION = "grpc.client.call.duration";

	static final String METHOD_TAG = "grpc.method";

	static final String STATUS_TAG = "grpc.status";

	static final String TARGET_TAG = "grpc.target";

	/**
	 * Method tag of calls to methods the server does not serve, or that a client calls without a
	 * generated stub (A66), so that callers cannot create series at will.
	 */
	static final String OTHER_METHOD = "other";

	/**
	 * Latency bucket boundaries: dense from 100 µs (in-cluster unary calls) to 100 ms, sparse up to a
	 * minute; longer calls (streams) land in +Inf.
	 */
	static final Duration[] LATENCY_BUCKETS = { Duration.ofNanos(100_000), Duration.ofNanos(250_000),
			Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
			Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
			Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
			Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60) };

	/**
	 * Size bucket boundaries in bytes, by powers of four from 64 B to 64 MiB.
	 */
	static final double[] SIZE_BUCKETS = { 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216,
			67108864 };

	private GrpcMeterNames() {
	}

}
