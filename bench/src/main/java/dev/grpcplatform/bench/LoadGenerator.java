package dev.grpcplatform.bench;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

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
 * Closed-loop load on one server: a fixed number of calls (or streams) in flight, each issuing the
 * next as soon as the previous answer arrives; latencies go into an HdrHistogram.
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
	 * @param concurrency calls or streams in flight
	 */
	void start(Workload workload, int concurrency) {
		this.running = true;
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
		if (!this.stopped.await(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Calls still in flight 30 s after the load stopped");
		}
	}

	/**
	 * Takes the numbers since the previous snapshot.
	 * @return calls completed and failed so far, and the latencies since the previous snapshot
	 */
	Snapshot snapshot() {
		return new Snapshot(this.completed.get(), this.failed.get(), this.latencies.getIntervalHistogram());
	}

	Status firstFailure() {
		return this.firstFailure.get();
	}

	private void unary() {
		long start = System.nanoTime();
		ClientCalls.asyncUnaryCall(this.channel.newCall(BenchServiceGrpc.getUnaryMethod(), CallOptions.DEFAULT),
				this.request, new StreamObserver<>() {

					@Override
					public void onNext(BenchResponse value) {
					}

					@Override
					public void onError(Throwable t) {
						fail(t);
						next();
					}

					@Override
					public void onCompleted() {
						LoadGenerator.this.latencies.recordValue(System.nanoTime() - start);
						LoadGenerator.this.completed.incrementAndGet();
						next();
					}

					private void next() {
						if (LoadGenerator.this.running) {
							unary();
						}
						else {
							LoadGenerator.this.stopped.countDown();
						}
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
	 * @param latencies latencies in nanoseconds since the previous snapshot
	 */
	record Snapshot(long completed, long failed, Histogram latencies) {
	}

}
