package dev.grpcplatform.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

import dev.grpcplatform.proto.chat.v1.ChatMessage;
import dev.grpcplatform.proto.chat.v1.ChatRequest;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.ChatServiceGrpc;
import dev.grpcplatform.proto.chat.v1.JoinRoom;
import dev.grpcplatform.proto.chat.v1.SendMessage;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The client side of one chat server (or of the instances of one variant): member streams spread
 * over a few connections per server, each checking that it receives every message of the room
 * once and in order, and the latency of every delivery.
 *
 * <p>Streams are raw {@link ClientCall}s on channels with a direct executor: responses are handled
 * on the transport's threads, and a handful of threads serve thousands of streams. A message's
 * {@code client_message_id} carries its sequence number and the time the sender was to send it
 * ({@code <seq>@<nanoTime>}), so latency counts from the planned send time: a sender that fell
 * behind does not hide the delay.
 */
final class ChatMembers implements AutoCloseable {

	static final int JOIN_ATTEMPTS = 5;

	private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
			Metadata.ASCII_STRING_MARSHALLER);

	private final String authorization;

	private final int streamsPerChannel;

	private final Map<Integer, List<ManagedChannel>> channels = new HashMap<>();

	private final Map<Integer, Integer> streamsOnLastChannel = new HashMap<>();

	private final List<Stream> streams = new CopyOnWriteArrayList<>();

	private final Recorder latencies = new Recorder(3);

	private final LongAdder deliveries = new LongAdder();

	private final LongAdder rejoins = new LongAdder();

	private volatile String firstRefusal;

	/**
	 * Creates a client whose streams carry the given bearer token.
	 * @param token the token
	 * @param streamsPerChannel streams opened on one connection before the next is opened
	 */
	ChatMembers(String token, int streamsPerChannel) {
		this.authorization = "Bearer " + token;
		this.streamsPerChannel = streamsPerChannel;
	}

	/**
	 * Opens one stream to the server on the given port and sends its join.
	 * @param port the server's port
	 * @param roomId the room
	 * @param userId the member
	 * @return the stream
	 */
	synchronized Stream join(int port, String roomId, long userId) {
		List<ManagedChannel> open = this.channels.computeIfAbsent(port, (key) -> new ArrayList<>());
		int onLast = this.streamsOnLastChannel.getOrDefault(port, this.streamsPerChannel);
		if (onLast >= this.streamsPerChannel) {
			Metadata headers = new Metadata();
			headers.put(AUTHORIZATION, this.authorization);
			open.add(NettyChannelBuilder.forAddress("127.0.0.1", port)
				.usePlaintext()
				.directExecutor()
				.intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
				.build());
			onLast = 0;
		}
		this.streamsOnLastChannel.put(port, onLast + 1);
		Stream stream = new Stream(open.get(open.size() - 1), userId);
		this.streams.add(stream);
		stream.join(roomId);
		return stream;
	}

	/**
	 * Opens streams and joins them, with at most {@code inFlight} joins unanswered at a time, and
	 * waits until every one is in its room. A join refused with UNAVAILABLE (the server could not
	 * look the user up in time) is made again on a new stream after a second, as the contract
	 * tells clients to, up to {@value #JOIN_ATTEMPTS} attempts in all.
	 * @param count how many
	 * @param inFlight joins unanswered at most
	 * @param seat where the i-th stream joins
	 * @param timeout time all of them may take
	 * @return the streams, in order
	 * @throws IllegalStateException if a join failed or did not finish in time
	 */
	List<Stream> joinAll(int count, int inFlight, IntFunction<Seat> seat, Duration timeout) throws InterruptedException {
		Stream[] joined = new Stream[count];
		List<Integer> pending = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			pending.add(i);
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		for (int attempt = 1; !pending.isEmpty(); attempt++) {
			Semaphore window = new Semaphore(inFlight);
			for (int i : pending) {
				if (!window.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
					throw new IllegalStateException("Joins did not finish within " + timeout);
				}
				Seat where = seat.apply(i);
				joined[i] = join(where.port(), where.roomId(), where.userId());
				joined[i].joined.whenComplete((nanos, failure) -> window.release());
			}
			List<Integer> refused = new ArrayList<>();
			for (int i : pending) {
				Status status = awaitJoined(joined[i], deadline, timeout);
				if (status == null) {
					continue;
				}
				if (status.getCode() != Status.Code.UNAVAILABLE || attempt == JOIN_ATTEMPTS) {
					throw new IllegalStateException("User " + joined[i].userId + " could not join: " + status);
				}
				this.streams.remove(joined[i]);
				refused.add(i);
				if (this.firstRefusal == null) {
					this.firstRefusal = status.getCode() + " " + status.getDescription();
				}
			}
			this.rejoins.add(refused.size());
			pending = refused;
			if (!pending.isEmpty()) {
				Thread.sleep(1000);
			}
		}
		return List.of(joined);
	}

	/**
	 * Waits for a stream's Joined.
	 * @return {@code null} once joined, else the status the stream ended with
	 */
	private static Status awaitJoined(Stream stream, long deadline, Duration timeout) throws InterruptedException {
		try {
			stream.joined.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			return null;
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("User " + stream.userId + " was not in its room within " + timeout);
		}
		catch (ExecutionException ex) {
			return Status.fromThrowable(ex.getCause());
		}
	}

	/**
	 * Returns the first answer that made a join be made again.
	 * @return status code and description, or {@code null}
	 */
	String firstRefusal() {
		return this.firstRefusal;
	}

	/**
	 * Returns how many joins were made again because the server answered UNAVAILABLE.
	 * @return joins repeated
	 */
	long rejoins() {
		return this.rejoins.sum();
	}

	/**
	 * Returns the deliveries so far and the latencies since the previous snapshot.
	 * @return the snapshot
	 */
	Snapshot snapshot() {
		return new Snapshot(this.deliveries.sum(), this.latencies.getIntervalHistogram());
	}

	List<Stream> streams() {
		return this.streams;
	}

	int connections() {
		return this.channels.values().stream().mapToInt(List::size).sum();
	}

	/**
	 * Drops every stream and connection at once (the servers see the streams cancelled).
	 */
	@Override
	public void close() {
		this.channels.values().forEach((open) -> open.forEach(ManagedChannel::shutdownNow));
		for (List<ManagedChannel> open : this.channels.values()) {
			for (ManagedChannel channel : open) {
				try {
					channel.awaitTermination(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}
	}

	/**
	 * Where a stream joins.
	 *
	 * @param port the server's port
	 * @param roomId the room
	 * @param userId the member
	 */
	record Seat(int port, String roomId, long userId) {
	}

	/**
	 * Deliveries counted so far, and the latencies recorded since the previous snapshot.
	 *
	 * @param deliveries messages received by all members so far
	 * @param latencies nanoseconds from the planned send to each delivery since the previous snapshot
	 */
	record Snapshot(long deliveries, Histogram latencies) {
	}

	/**
	 * One member's Chat stream.
	 */
	final class Stream {

		private final ClientCall<ChatRequest, ChatResponse> call;

		private final long userId;

		/**
		 * Completes with the nanoseconds from the join request to Joined.
		 */
		private final CompletableFuture<Long> joined = new CompletableFuture<>();

		private volatile long joinSentAt;

		/**
		 * Sequence number of the next message expected; written by the transport thread only.
		 */
		private volatile long nextSeq = 1;

		private volatile long violations;

		private volatile String firstViolation;

		private volatile Status closed;

		Stream(ManagedChannel channel, long userId) {
			this.userId = userId;
			this.call = channel.newCall(ChatServiceGrpc.getChatMethod(), CallOptions.DEFAULT);
		}

		private void join(String roomId) {
			this.call.start(new ClientCall.Listener<>() {

				@Override
				public void onMessage(ChatResponse response) {
					received(response);
				}

				@Override
				public void onClose(Status status, Metadata trailers) {
					Stream.this.closed = status;
					Stream.this.joined.completeExceptionally(status.asRuntimeException(trailers));
				}

			}, new Metadata());
			// Responses are read as fast as they come: the transport's flow-control window is the only limit.
			this.call.request(Integer.MAX_VALUE);
			this.joinSentAt = System.nanoTime();
			this.call.sendMessage(ChatRequest.newBuilder()
				.setJoin(JoinRoom.newBuilder().setRoomId(roomId).setUserId(this.userId))
				.build());
		}

		private void received(ChatResponse response) {
			switch (response.getEventCase()) {
				case JOINED -> this.joined.complete(System.nanoTime() - this.joinSentAt);
				case MESSAGE -> delivered(response.getMessage());
				case GAP -> violation("missed " + response.getGap().getDroppedCount() + " event(s) (Gap)");
				default -> {
					// Other members' joins and leaves.
				}
			}
		}

		private void delivered(ChatMessage message) {
			long now = System.nanoTime();
			String id = message.getClientMessageId();
			int at = id.indexOf('@');
			long seq = Long.parseLong(id, 0, at, 10);
			long plannedAt = Long.parseLong(id, at + 1, id.length(), 10);
			ChatMembers.this.latencies.recordValue(Math.max(0, now - plannedAt));
			ChatMembers.this.deliveries.increment();
			long expected = this.nextSeq;
			if (seq != expected) {
				violation((seq < expected) ? "message " + seq + " again or out of order after " + (expected - 1)
						: "messages " + expected + " to " + (seq - 1) + " missing before " + seq);
			}
			if (seq >= expected) {
				this.nextSeq = seq + 1;
			}
		}

		private void violation(String what) {
			if (this.firstViolation == null) {
				this.firstViolation = "user " + this.userId + ": " + what;
			}
			this.violations++;
		}

		/**
		 * Sends a message; only one thread may send on a stream.
		 * @param seq its sequence number in the room, from 1
		 * @param plannedAt {@link System#nanoTime()} it was to be sent at
		 * @param text the text
		 */
		void send(long seq, long plannedAt, String text) {
			this.call.sendMessage(ChatRequest.newBuilder()
				.setSend(SendMessage.newBuilder().setText(text).setClientMessageId(seq + "@" + plannedAt))
				.build());
		}

		long userId() {
			return this.userId;
		}

		CompletableFuture<Long> joined() {
			return this.joined;
		}

		/**
		 * Returns the sequence number of the last message received in order.
		 * @return the number, 0 before the first
		 */
		long lastSeq() {
			return this.nextSeq - 1;
		}

		long violations() {
			return this.violations;
		}

		String firstViolation() {
			return this.firstViolation;
		}

		/**
		 * Returns how the stream ended, or {@code null} while it is open.
		 * @return the status
		 */
		Status closed() {
			return this.closed;
		}

	}

}
