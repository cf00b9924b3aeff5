package dev.grpcplatform.chat.room;

import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

import dev.grpcplatform.chat.room.RoomProperties.OverflowPolicy;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.Gap;
import dev.grpcplatform.starter.errors.GrpcError;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * The events on their way to one member: a bounded queue drained into the member's stream only
 * while its transport is ready, so that a member that reads slowly never holds up whoever
 * publishes, and never costs more than the queue's capacity in memory.
 *
 * <p>An outbox starts held: live events queue up (without bound, for the short time of a join)
 * until {@link #open} puts the first events of the stream (the Joined, and for a resume the
 * messages replayed from the room's history) ahead of them and drops the live messages that the
 * replay already holds, so that the member receives each message once, in the room's order.
 *
 * <p>Any thread may offer events; one thread at a time drains, the one that finds the drain idle
 * (a publisher, or the call's own thread when the transport turns ready again), so the stream is
 * written by one thread at a time as grpc-java requires. The stream's end goes the same way.
 */
final class MemberOutbox {

	/**
	 * The call: readiness, cancellation and its end.
	 */
	private final ServerCallStreamObserver<?> responses;

	/**
	 * Writes one event to the call, in the call's response type.
	 */
	private final Consumer<ChatResponse> sink;

	private final int capacity;

	private final OverflowPolicy overflow;

	private final Object lock = new Object();

	private final ArrayDeque<ChatResponse> queue = new ArrayDeque<>();

	/**
	 * Events sent before the queue's, outside its capacity: the first events of the stream.
	 */
	private final ArrayDeque<ChatResponse> head = new ArrayDeque<>();

	private Runnable endedHandler = () -> {
	};

	/**
	 * Whether the queue waits for {@link #open}.
	 */
	private boolean held = true;

	/**
	 * Sequence of the last message replayed; live messages up to it are duplicates. 0 once a live
	 * message came past it (live messages come in the room's order, so no later one can repeat).
	 */
	private long replayedThrough;

	/**
	 * Events dropped since the member's last event, announced with a Gap before its next one.
	 */
	private long dropped;

	private long droppedTotal;

	private int maxQueued;

	private boolean draining;

	/**
	 * Whether the stream is to end once the queue is empty.
	 */
	private boolean completing;

	/**
	 * Error to end the stream with, at once.
	 */
	private Throwable error;

	/**
	 * Whether the stream ended, or nothing is to be written to it any more.
	 */
	private boolean done;

	/**
	 * Creates the outbox of a call.
	 * @param responses the call
	 * @param sink writes one event to the call: the event itself for Chat, wrapped for
	 * SubscribeRoom
	 * @param capacity events that may wait for the member
	 * @param overflow what happens when more would
	 */
	MemberOutbox(ServerCallStreamObserver<?> responses, Consumer<ChatResponse> sink, int capacity,
			OverflowPolicy overflow) {
		this.responses = responses;
		this.sink = sink;
		this.capacity = capacity;
		this.overflow = overflow;
		responses.setOnReadyHandler(this::drain);
	}

	/**
	 * Sets what runs after the outbox ended the stream by itself: the member fell so far behind
	 * (only with the disconnect policy), or {@link #abort} was called; it runs on the thread that
	 * offered the event that did not fit, or that aborted.
	 * @param handler the handler
	 */
	void onEnded(Runnable handler) {
		this.endedHandler = handler;
	}

	/**
	 * Sends the first events of the stream, then the queued live events but those replayed
	 * already, and from then on every event offered.
	 * @param first the first events: the Joined, and the Gap and messages of a resume
	 * @param replayedThrough sequence of the last message among them, 0 for none
	 */
	void open(List<ChatResponse> first, long replayedThrough) {
		synchronized (this.lock) {
			this.head.addAll(first);
			this.replayedThrough = replayedThrough;
			this.queue.removeIf(this::replayed);
			this.held = false;
		}
		drain();
	}

	/**
	 * Returns whether an event is a message that the replay already holds; called under the lock.
	 */
	private boolean replayed(ChatResponse event) {
		if (this.replayedThrough == 0 || !event.hasMessage()) {
			return false;
		}
		if (event.getMessage().getSequence() <= this.replayedThrough) {
			return true;
		}
		this.replayedThrough = 0;
		return false;
	}

	/**
	 * Ends the stream with an error at once, like {@link #fail}, and runs the handler set with
	 * {@link #onEnded}.
	 * @param failure the error
	 */
	void abort(Throwable failure) {
		synchronized (this.lock) {
			if (this.done || this.error != null) {
				return;
			}
		}
		fail(failure);
		this.endedHandler.run();
	}

	/**
	 * Queues an event for the member and sends what the transport takes; never blocks.
	 * @param event the event
	 */
	void offer(ChatResponse event) {
		boolean overflowed = false;
		boolean claimed;
		synchronized (this.lock) {
			if (this.done || this.completing || this.error != null || replayed(event)) {
				return;
			}
			if (!this.held && this.queue.size() >= this.capacity) {
				if (this.overflow == OverflowPolicy.DROP_OLDEST) {
					this.queue.pollFirst();
					this.dropped++;
					this.droppedTotal++;
				}
				else {
					overflowed = true;
					discardQueued();
					this.error = GrpcError
						.builder(Status.Code.RESOURCE_EXHAUSTED,
								"member reads too slowly: more than " + this.capacity
										+ " events were waiting for it; reconnect and join again")
						.reason("MEMBER_TOO_SLOW")
						.metadata("queueCapacity", Integer.toString(this.capacity))
						.build()
						.asException();
				}
			}
			if (!overflowed) {
				this.queue.addLast(event);
				this.maxQueued = Math.max(this.maxQueued, this.queue.size());
			}
			// Unless another thread drains already (it picks the event up), this one does.
			claimed = !this.draining;
			this.draining = true;
		}
		if (claimed) {
			drainClaimed();
		}
		if (overflowed) {
			this.endedHandler.run();
		}
	}

	/**
	 * Ends the stream successfully once the queued events are sent.
	 */
	void complete() {
		synchronized (this.lock) {
			if (this.done || this.error != null) {
				return;
			}
			this.completing = true;
		}
		drain();
	}

	/**
	 * Ends the stream with an error at once, dropping the queued events.
	 * @param failure the error ({@code GrpcError} exceptions and status exceptions keep their
	 * status)
	 */
	void fail(Throwable failure) {
		synchronized (this.lock) {
			if (this.done || this.error != null) {
				return;
			}
			this.error = failure;
			discardQueued();
		}
		drain();
	}

	/**
	 * Drops everything: the call was cancelled.
	 */
	void cancel() {
		synchronized (this.lock) {
			this.done = true;
			discardQueued();
		}
	}

	void drain() {
		synchronized (this.lock) {
			if (this.draining || this.done) {
				return;
			}
			this.draining = true;
		}
		drainClaimed();
	}

	private void drainClaimed() {
		try {
			while (true) {
				ChatResponse next = null;
				Throwable failure = null;
				boolean complete = false;
				synchronized (this.lock) {
					if (this.done || this.responses.isCancelled()) {
						this.done = true;
						discardQueued();
						this.draining = false;
						return;
					}
					if (this.error != null) {
						failure = this.error;
						this.done = true;
					}
					else if (!this.responses.isReady()) {
						// The on-ready handler drains again once the transport takes more.
						this.draining = false;
						return;
					}
					else if (!this.head.isEmpty()) {
						next = this.head.pollFirst();
					}
					else if (this.held && !this.completing) {
						// Opened once the join is done.
						this.draining = false;
						return;
					}
					else if (this.dropped > 0) {
						next = ChatResponse.newBuilder().setGap(Gap.newBuilder().setDroppedCount(this.dropped)).build();
						this.dropped = 0;
					}
					else if (!this.queue.isEmpty()) {
						next = this.queue.pollFirst();
					}
					else if (this.completing) {
						this.done = true;
						complete = true;
					}
					else {
						this.draining = false;
						return;
					}
				}
				// Past done, no other thread drains: the end is written by this one alone.
				if (failure != null) {
					this.responses.onError(failure);
					return;
				}
				if (complete) {
					this.responses.onCompleted();
					return;
				}
				this.sink.accept(next);
			}
		}
		catch (RuntimeException ex) {
			synchronized (this.lock) {
				this.done = true;
				discardQueued();
				this.draining = false;
			}
			throw ex;
		}
	}

	/**
	 * Drops every event not sent yet; called under the lock.
	 */
	private void discardQueued() {
		this.queue.clear();
		this.head.clear();
	}

	/**
	 * Returns the number of events waiting for the member.
	 * @return events queued
	 */
	int queued() {
		synchronized (this.lock) {
			return this.queue.size();
		}
	}

	/**
	 * Returns the largest number of events that waited for the member at once.
	 * @return high-water mark of the queue
	 */
	int maxQueued() {
		synchronized (this.lock) {
			return this.maxQueued;
		}
	}

	/**
	 * Returns the number of events dropped for the member in all.
	 * @return events dropped
	 */
	long droppedTotal() {
		synchronized (this.lock) {
			return this.droppedTotal;
		}
	}

}
