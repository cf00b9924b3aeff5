package dev.grpcplatform.bench;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import com.google.protobuf.ByteString;
import dev.grpcplatform.bench.v1.BenchRequest;
import dev.grpcplatform.bench.v1.BenchResponse;
import dev.grpcplatform.bench.v1.BenchServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Load on one server, latencies into an HdrHistogram. Closed loop: a fixed number of calls (or
 * streams) in flight, each issuing the next as soon as the previous answer arrives. Open loop (unary
 * only): calls started at a fixed rate whatever the server's pace, so that every variant does the same
 * work per second and their CPU per call is compared at the same load; latencies are then measured
 * from when each call was due, so a server that falls behind is not flattered.
 */
final class LoadGenerator implements AutoCloseable {

	/**
	 * Workloads: unary calls, or messages echoed on long-lived bidirectional streams.
	 */
	enum Workload {

		UNARY, STREAM;

		String label() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	private final ManagedChannel managedChannel;

	private final Channel channel;

	private final BenchRequest request;

	private final Recorder latencies = new Recorder(3);

	private final AtomicLong completed = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final AtomicReference<Status> firstFailure = new AtomicReference<>();

	private final AtomicLong inFlight = new AtomicLong();

	private final AtomicLong skipped = new AtomicLong();

	private volatile boolean running;

	private CountDownLatch stopped;

	LoadGenerator(int port, List<String> headers, int payloadBytes) {
		this.managedChannel = NettyChannelBuilder.forAddress("127.0.0.1", port)
			.usePlaintext()
			.directExecutor()
			.build();
		Metadata metadata = new Metadata();
		for (String header : headers) {
			int eq = header.indexOf('=');
			metadata.put(Metadata.Key.of(header.substring(0, eq), Metadata.ASCII_STRING_MARSHALLER),
					header.substring(eq + 1));
		}
		this.channel = ClientInterceptors.intercept(this.managedChannel,
				MetadataUtils.newAttachHeadersInterceptor(metadata));
		this.request = BenchRequest.newBuilder().setPayload(ByteString.copyFrom(new byte[payloadBytes])).build();
	}

	/**
	 * Starts the load.
	 * @param workload what to call
	 * @param concurrency calls or streams in flight in a closed loop; in an open loop, a due call is
	 * skipped (and counted) instead of started while 32 times as many calls, and at least a second's
	 * worth, are in flight
	 * @param rate unary calls started per second in an open loop, or 0 for a closed loop
	 */
	void start(Workload workload, int concurrency, int rate) {
		this.running = true;
		if (rate > 0 && workload == Workload.UNARY) {
			this.stopped = new CountDownLatch(1);
			long limit = Math.max(32L * concurrency, rate);
			Thread pacer = new Thread(() -> pace(rate, limit), "bench-pacer");
			pacer.setDaemon(true);
			pacer.start();
			return;
		}
		this.stopped = new CountDownLatch(concurrency);
		for (int i = 0; i < concurrency; i++) {
			if (workload == Workload.UNARY) {
				unary();
			}
			else {
				stream();
			}
		}
	}

	/**
	 * Stops issuing calls and waits for those in flight.
	 */
	void stop() throws InterruptedException {
		this.running = false;
		if (!this.stopped.await(30, TimeUnit.SECONDS) || !awaitNoneInFlight()) {
			throw new IllegalStateException("Calls still in flight 30 s after the load stopped");
		}
	}

	/**
	 * Takes the numbers since the previous snapshot.
	 * @return calls completed and failed so far, and the latencies since the previous snapshot
	 */
	Snapshot snapshot() {
		return new Snapshot(this.completed.get(), this.failed.get(), this.skipped.get(),
				this.latencies.getIntervalHistogram());
	}

	Status firstFailure() {
		return this.firstFailure.get();
	}

	private boolean awaitNoneInFlight() throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (this.inFlight.get() > 0) {
			if (System.nanoTime() > deadline) {
				return false;
			}
			Thread.sleep(1);
		}
		return true;
	}

	/**
	 * Starts the calls that are due, {@code rate} per second from now on, until stopped. The pacer
	 * sleeps about 100 µs between its turns and starts every call due meanwhile, each with the time it
	 * was due; a call due while {@code limit} calls are in flight is skipped and counted.
	 */
	private void pace(int rate, long limit) {
		try {
			long start = System.nanoTime();
			long started = 0;
			while (this.running) {
				long due = (long) ((System.nanoTime() - start) * (rate / 1e9));
				for (; started < due; started++) {
					long dueAt = start + (long) (started * (1e9 / rate));
					if (this.inFlight.get() >= limit) {
						this.skipped.incrementAndGet();
					}
					else {
						this.inFlight.incrementAndGet();
						unary(dueAt, this.inFlight::decrementAndGet);
					}
				}
				LockSupport.parkNanos(100_000);
			}
		}
		finally {
			this.stopped.countDown();
		}
	}

	private void unary() {
		unary(System.nanoTime(), () -> {
			if (this.running) {
				unary();
			}
			else {
				this.stopped.countDown();
			}
		});
	}

	/**
	 * Starts one unary call.
	 * @param startedAt when the call started (or was due), for its latency
	 * @param then what to do when it has ended
	 */
	private void unary(long startedAt, Runnable then) {
		ClientCalls.asyncUnaryCall(this.channel.newCall(BenchServiceGrpc.getUnaryMethod(), CallOptions.DEFAULT),
				this.request, new StreamObserver<>() {

					@Override
					public void onNext(BenchResponse value) {
					}

					@Override
					public void onError(Throwable t) {
						fail(t);
						then.run();
					}

					@Override
					public void onCompleted() {
						LoadGenerator.this.latencies.recordValue(System.nanoTime() - startedAt);
						LoadGenerator.this.completed.incrementAndGet();
						then.run();
					}

				});
	}

	private void stream() {
		ClientCalls.asyncBidiStreamingCall(
				this.channel.newCall(BenchServiceGrpc.getStreamMethod(), CallOptions.DEFAULT),
				new ClientResponseObserver<BenchRequest, BenchResponse>() {

					private ClientCallStreamObserver<BenchRequest> requests;

					private long sentAt;

					private boolean first = true;

					@Override
					public void beforeStart(ClientCallStreamObserver<BenchRequest> requestStream) {
						this.requests = requestStream;
						// The first message goes out once the call has started, from onReady.
						requestStream.setOnReadyHandler(this::sendFirst);
					}

					private void sendFirst() {
						if (this.first && this.requests.isReady()) {
							this.first = false;
							send();
						}
					}

					private void send() {
						this.sentAt = System.nanoTime();
						this.requests.onNext(LoadGenerator.this.request);
					}

					@Override
					public void onNext(BenchResponse value) {
						LoadGenerator.this.latencies.recordValue(System.nanoTime() - this.sentAt);
						LoadGenerator.this.completed.incrementAndGet();
						if (LoadGenerator.this.running) {
							send();
						}
						else {
							this.requests.onCompleted();
						}
					}

					@Override
					public void onError(Throwable t) {
						fail(t);
						LoadGenerator.this.stopped.countDown();
					}

					@Override
					public void onCompleted() {
						LoadGenerator.this.stopped.countDown();
					}

				});
	}

	private void fail(Throwable t) {
		this.failed.incrementAndGet();
		this.firstFailure.compareAndSet(null, Status.fromThrowable(t));
	}

	@Override
	public void close() {
		this.managedChannel.shutdownNow();
		try {
			this.managedChannel.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Counters at one moment and the latencies recorded since the previous snapshot.
	 *
	 * @param completed calls completed so far
	 * @param failed calls failed so far
	 * @param skipped calls of an open loop skipped so far, because too many were in flight
	 * @param latencies latencies in nanoseconds since the previous snapshot
	 */
	record Snapshot(long completed, long failed, long skipped, Histogram latencies) {
	}

}
