package dev.grpcplatform.starter.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;

/**
 * Meters of one server method, created once; those that carry the status are created on the first
 * call that ends with it.
 */
final class ServerMethodMeters {

	private static final Status.Code[] CODES = Status.Code.values();

	private final MeterRegistry registry;

	private final Tags tags;

	private final Counter started;

	private final LongAdder active = new LongAdder();

	private final Counter sentMessages;

	private final Counter receivedMessages;

	private final AtomicReferenceArray<StatusMeters> byStatus = new AtomicReferenceArray<>(CODES.length);

	ServerMethodMeters(MeterRegistry registry, String method, MethodDescriptor.MethodType type) {
		this.registry = registry;
		this.tags = Tags.of(GrpcMeterNames.METHOD_TAG, method);
		this.started = Counter.builder(GrpcMeterNames.SERVER_CALL_STARTED)
			.description("Server calls started")
			.tags(this.tags)
			.register(registry);
		Gauge.builder(GrpcMeterNames.SERVER_CALL_ACTIVE, this.active, LongAdder::sum)
			.description("Server calls in flight")
			.tags(this.tags)
			.strongReference(true)
			.register(registry);
		if (isStreaming(type)) {
			this.sentMessages = Counter.builder(GrpcMeterNames.SERVER_CALL_SENT_MESSAGES)
				.description("Messages sent on server streams")
				.tags(this.tags)
				.register(registry);
			this.receivedMessages = Counter.builder(GrpcMeterNames.SERVER_CALL_RECEIVED_MESSAGES)
				.description("Messages received on server streams")
				.tags(this.tags)
				.register(registry);
		}
		else {
			// Unary calls carry one message each way: the call counters say it all.
			this.sentMessages = null;
			this.receivedMessages = null;
		}
	}

	private static boolean isStreaming(MethodDescriptor.MethodType type) {
		return type == MethodDescriptor.MethodType.CLIENT_STREAMING
				|| type == MethodDescriptor.MethodType.SERVER_STREAMING
				|| type == MethodDescriptor.MethodType.BIDI_STREAMING;
	}

	void callStarted() {
		this.started.increment();
		this.active.increment();
	}

	void callEnded() {
		this.active.decrement();
	}

	void callStartedAndEnded() {
		this.started.increment();
	}

	void messageReceived(int count) {
		if (this.receivedMessages != null) {
			this.receivedMessages.increment(count);
		}
	}

	void messageSent() {
		if (this.sentMessages != null) {
			this.sentMessages.increment();
		}
	}

	void record(Status.Code code, long durationNanos, long sentBytes, long receivedBytes) {
		StatusMeters meters = this.byStatus.get(code.ordinal());
		if (meters == null) {
			meters = registerStatus(code);
		}
		meters.duration.record(durationNanos, TimeUnit.NANOSECONDS);
		meters.sent.record(sentBytes);
		meters.received.record(receivedBytes);
	}

	private StatusMeters registerStatus(Status.Code code) {
		Tags statusTags = this.tags.and(GrpcMeterNames.STATUS_TAG, code.name());
		StatusMeters meters = new StatusMeters(
				Timer.builder(GrpcMeterNames.SERVER_CALL_DURATION)
					.description("Time from receiving the request headers to sending the status, per server call")
					.tags(statusTags)
					.serviceLevelObjectives(GrpcMeterNames.LATENCY_BUCKETS)
					.register(this.registry),
				DistributionSummary.builder(GrpcMeterNames.SERVER_CALL_SENT_SIZE)
					.description("Compressed bytes of the messages sent, per server call")
					.baseUnit(BaseUnits.BYTES)
					.tags(statusTags)
					.serviceLevelObjectives(GrpcMeterNames.SIZE_BUCKETS)
					.register(this.registry),
				DistributionSummary.builder(GrpcMeterNames.SERVER_CALL_RECEIVED_SIZE)
					.description("Compressed bytes of the messages received, per server call")
					.baseUnit(BaseUnits.BYTES)
					.tags(statusTags)
					.serviceLevelObjectives(GrpcMeterNames.SIZE_BUCKETS)
					.register(this.registry));
		// Two threads may race here; the registry hands both the same meters.
		this.byStatus.compareAndSet(code.ordinal(), null, meters);
		return meters;
	}

	private record StatusMeters(Timer duration, DistributionSummary sent, DistributionSummary received) {
	}

}
