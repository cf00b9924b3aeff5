package dev.grpcplatform.starter.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import org.springframework.util.Assert;

/**
 * Client interceptor that records the client metrics of gRFC A66: attempts started, attempt
 * duration (through a {@link ClientStreamTracer}, so every retry or hedge is one attempt) and call
 * duration, by {@code grpc.method}, {@code grpc.target} (the channel's authority) and
 * {@code grpc.status}.
 *
 * <p>Methods not marked as generated ({@link MethodDescriptor#isSampledToLocalTracing()}) are recorded
 * as {@code grpc.method="other"}, as A66 asks. Meters are resolved once per method and target and
 * once per status.
 */
public class GrpcClientMetrics implements ClientInterceptor {

	private static final Status.Code[] CODES = Status.Code.values();

	private final MeterRegistry registry;

	private final ConcurrentMap<MethodDescriptor<?, ?>, MethodTargets> byMethod = new ConcurrentHashMap<>();

	/**
	 * Creates client metrics that register their meters in the given registry.
	 * @param registry registry of the meters
	 */
	public GrpcClientMetrics(MeterRegistry registry) {
		Assert.notNull(registry, "registry must not be null");
		this.registry = registry;
	}

	@Override
	public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
			CallOptions callOptions, Channel next) {
		MethodTargets targets = this.byMethod.get(method);
		if (targets == null) {
			targets = this.byMethod.computeIfAbsent(method, (key) -> new MethodTargets(
					key.isSampledToLocalTracing() ? key.getFullMethodName() : GrpcMeterNames.OTHER_METHOD));
		}
		TargetMeters meters = targets.forTarget(next.authority());
		ClientCall<ReqT, RespT> call = next.newCall(method, callOptions.withStreamTracerFactory(meters));
		return new MetricsClientCall<>(call, meters);
	}

	/**
	 * Meters of one method, by target. Nearly every method is called on one target, so the last one
	 * is kept aside and compared by reference before any map lookup.
	 */
	private final class MethodTargets {

		private final String method;

		private final ConcurrentMap<String, TargetMeters> byTarget = new ConcurrentHashMap<>();

		private volatile TargetMeters last;

		MethodTargets(String method) {
			this.method = method;
		}

		TargetMeters forTarget(String authority) {
			String target = (authority != null) ? authority : "";
			TargetMeters meters = this.last;
			if (meters != null && (meters.target == target || meters.target.equals(target))) {
				return meters;
			}
			meters = this.byTarget.computeIfAbsent(target,
					(key) -> new TargetMeters(GrpcClientMetrics.this.registry, this.method, key));
			this.last = meters;
			return meters;
		}

	}

	/**
	 * Meters of one method on one target; also the factory of its attempts' tracers.
	 */
	static final class TargetMeters extends ClientStreamTracer.Factory {

		private final MeterRegistry registry;

		private final String target;

		private final Tags tags;

		private final Counter attemptStarted;

		private final AtomicReferenceArray<Timer> attemptDuration = new AtomicReferenceArray<>(CODES.length);

		private final AtomicReferenceArray<Timer> callDuration = new AtomicReferenceArray<>(CODES.length);

		TargetMeters(MeterRegistry registry, String method, String target) {
			this.registry = registry;
			this.target = target;
			this.tags = Tags.of(GrpcMeterNames.METHOD_TAG, method, GrpcMeterNames.TARGET_TAG, target);
			this.attemptStarted = Counter.builder(GrpcMeterNames.CLIENT_ATTEMPT_STARTED)
				.description("Client call attempts started")
				.tags(this.tags)
				.register(registry);
		}

		@Override
		public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
			this.attemptStarted.increment();
			return new AttemptTracer(this);
		}

		void recordAttempt(Status.Code code, long nanos) {
			timer(this.attemptDuration, GrpcMeterNames.CLIENT_ATTEMPT_DURATION,
					"Time from the start of a client call attempt to its end", code)
				.record(nanos, TimeUnit.NANOSECONDS);
		}

		void recordCall(Status.Code code, long nanos) {
			timer(this.callDuration, GrpcMeterNames.CLIENT_CALL_DURATION,
					"Time from the start of a client call to its end, over all its attempts", code)
				.record(nanos, TimeUnit.NANOSECONDS);
		}

		private Timer timer(AtomicReferenceArray<Timer> timers, String name, String description, Status.Code code) {
			Timer timer = timers.get(code.ordinal());
			if (timer == null) {
				timer = Timer.builder(name)
					.description(description)
					.tags(this.tags.and(GrpcMeterNames.STATUS_TAG, code.name()))
					.serviceLevelObjectives(GrpcMeterNames.LATENCY_BUCKETS)
					.register(this.registry);
				timers.compareAndSet(code.ordinal(), null, timer);
			}
			return timer;
		}

	}

	private static final class AttemptTracer extends ClientStreamTracer {

		private final TargetMeters meters;

		private final long startNanos = System.nanoTime();

		AttemptTracer(TargetMeters meters) {
			this.meters = meters;
		}

		@Override
		public void streamClosed(Status status) {
			this.meters.recordAttempt(status.getCode(), System.nanoTime() - this.startNanos);
		}

	}

	private static final class MetricsClientCall<ReqT, RespT>
			extends ForwardingClientCall.SimpleForwardingClientCall<ReqT, RespT> {

		private final TargetMeters meters;

		MetricsClientCall(ClientCall<ReqT, RespT> delegate, TargetMeters meters) {
			super(delegate);
			this.meters = meters;
		}

		@Override
		public void start(Listener<RespT> responseListener, Metadata headers) {
			long startNanos = System.nanoTime();
			TargetMeters targetMeters = this.meters;
			super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(responseListener) {

				@Override
				public void onClose(Status status, Metadata trailers) {
					targetMeters.recordCall(status.getCode(), System.nanoTime() - startNanos);
					super.onClose(status, trailers);
				}

			}, headers);
		}

	}

}
