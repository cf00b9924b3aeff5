package dev.grpcplatform.starter.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import dev.grpcplatform.starter.internal.GrpcServerLifecycleListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.util.Assert;

/**
 * Records the server metrics of gRFC A66 (call started, duration, sent and received compressed
 * bytes, by {@code grpc.method} and {@code grpc.status}), calls in flight and, for streaming methods,
 * messages sent and received.
 *
 * <p>It is a {@link ServerStreamTracer.Factory}, not an interceptor: a stream tracer sees every call
 * the transport accepts, with its wire sizes and its final status, including calls that never reach
 * an interceptor or end in the transport (unknown methods, oversized messages, deadlines, resets).
 * Meters are resolved once per method and status; per call it allocates one small tracer and
 * records into meters it already holds. Methods the server does not serve are recorded as
 * {@code grpc.method="other"}, so that callers cannot create series at will.
 */
public class GrpcServerMetrics extends ServerStreamTracer.Factory implements GrpcServerLifecycleListener {

	private final MeterRegistry registry;

	private final ServerMethodMeters other;

	private final ConcurrentMap<MethodDescriptor<?, ?>, ServerMethodMeters> byDescriptor = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, ServerMethodMeters> byName = new ConcurrentHashMap<>();

	/**
	 * Creates server metrics that register their meters in the given registry.
	 * @param registry registry of the meters
	 */
	public GrpcServerMetrics(MeterRegistry registry) {
		Assert.notNull(registry, "registry must not be null");
		this.registry = registry;
		this.other = new ServerMethodMeters(registry, GrpcMeterNames.OTHER_METHOD, MethodDescriptor.MethodType.UNKNOWN);
	}

	/**
	 * Registers the meters of every method of the given services, so that their series exist
	 * before the first call and calls that end before their method is resolved are attributed to it.
	 * @param services services the server serves
	 */
	public void registerMethods(Iterable<ServerServiceDefinition> services) {
		for (ServerServiceDefinition service : services) {
			for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
				meters(method.getMethodDescriptor());
			}
		}
	}

	@Override
	public void serverStarted(Server server) {
		registerMethods(server.getServices());
	}

	@Override
	public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
		return new CallTracer(this, fullMethodName);
	}

	ServerMethodMeters meters(MethodDescriptor<?, ?> method) {
		// Descriptors are constants of the generated code: an identity lookup, no string hashing.
		ServerMethodMeters meters = this.byDescriptor.get(method);
		return (meters != null) ? meters : register(method);
	}

	private ServerMethodMeters register(MethodDescriptor<?, ?> method) {
		ServerMethodMeters meters = this.byName.computeIfAbsent(method.getFullMethodName(),
				(name) -> new ServerMethodMeters(this.registry, name, method.getType()));
		this.byDescriptor.putIfAbsent(method, meters);
		return meters;
	}

	ServerMethodMeters metersOfName(String fullMethodName) {
		ServerMethodMeters meters = this.byName.get(fullMethodName);
		return (meters != null) ? meters : this.other;
	}

	/**
	 * Per-call state. The transport creates it and closes it on its own thread; the method becomes
	 * known on the application executor, possibly after the stream already closed (a client that
	 * cancels at once), so the hand-over between the two is a small state machine.
	 */
	static final class CallTracer extends ServerStreamTracer {

		private static final int NEW = 0;

		private static final int STARTED = 1;

		private static final int CLOSED = 2;

		private static final AtomicIntegerFieldUpdater<CallTracer> STATE = AtomicIntegerFieldUpdater
			.newUpdater(CallTracer.class, "state");

		private static final AtomicIntegerFieldUpdater<CallTracer> PENDING_RECEIVED = AtomicIntegerFieldUpdater
			.newUpdater(CallTracer.class, "pendingReceived");

		private final GrpcServerMetrics metrics;

		private final String fullMethodName;

		private final long startNanos;

		private volatile int state;

		private volatile ServerMethodMeters meters;

		// Messages that arrived before the method was resolved.
		private volatile int pendingReceived;

		// Each is written by one thread at a time (the transport, the sender), read at close.
		private volatile long sentBytes;

		private volatile long receivedBytes;

		CallTracer(GrpcServerMetrics metrics, String fullMethodName) {
			this.metrics = metrics;
			this.fullMethodName = fullMethodName;
			this.startNanos = System.nanoTime();
		}

		@Override
		public void serverCallStarted(ServerCallInfo<?, ?> callInfo) {
			ServerMethodMeters methodMeters = this.metrics.meters(callInfo.getMethodDescriptor());
			this.meters = methodMeters;
			if (STATE.compareAndSet(this, NEW, STARTED)) {
				methodMeters.callStarted();
				flushPendingReceived(methodMeters);
			}
		}

		@Override
		public void inboundMessage(int seqNo) {
			ServerMethodMeters methodMeters = this.meters;
			if (methodMeters != null) {
				methodMeters.messageReceived(1);
				return;
			}
			PENDING_RECEIVED.incrementAndGet(this);
			methodMeters = this.meters;
			if (methodMeters != null) {
				flushPendingReceived(methodMeters);
			}
		}

		private void flushPendingReceived(ServerMethodMeters methodMeters) {
			int pending = PENDING_RECEIVED.getAndSet(this, 0);
			if (pending > 0) {
				methodMeters.messageReceived(pending);
			}
		}

		@Override
		public void outboundMessage(int seqNo) {
			ServerMethodMeters methodMeters = this.meters;
			if (methodMeters != null) {
				methodMeters.messageSent();
			}
		}

		@Override
		public void outboundWireSize(long bytes) {
			this.sentBytes += bytes;
		}

		@Override
		public void inboundWireSize(long bytes) {
			this.receivedBytes += bytes;
		}

		@Override
		public void streamClosed(Status status) {
			long durationNanos = System.nanoTime() - this.startNanos;
			ServerMethodMeters methodMeters;
			if (STATE.getAndSet(this, CLOSED) == STARTED) {
				methodMeters = this.meters;
				methodMeters.callEnded();
			}
			else {
				// Unknown method, or closed before the application saw the call: it still started.
				methodMeters = this.metrics.metersOfName(this.fullMethodName);
				methodMeters.callStartedAndEnded();
				int pending = PENDING_RECEIVED.getAndSet(this, 0);
				if (pending > 0) {
					methodMeters.messageReceived(pending);
				}
			}
			methodMeters.record(status.getCode(), durationNanos, this.sentBytes, this.receivedBytes);
		}

	}

}
