package dev.grpcplatform.chat.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import dev.grpcplatform.proto.chat.v1.ChatMessage;
import dev.grpcplatform.proto.chat.v1.ChatRequest;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.ChatServiceGrpc;
import dev.grpcplatform.proto.chat.v1.JoinRoom;
import dev.grpcplatform.proto.chat.v1.Joined;
import dev.grpcplatform.proto.chat.v1.SendMessage;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;

/**
 * One Chat stream seen from the client, on a raw {@link ClientCall}: requests are sent from the
 * test thread; responses are asked from the server only as the test says ({@link #read()} for a
 * member that keeps reading, nothing for one that never reads).
 */
public final class ChatClient implements AutoCloseable {

	/**
	 * Time any one expected response may take to arrive.
	 */
	public static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final ClientCall<ChatRequest, ChatResponse> call;

	private final BlockingQueue<ChatResponse> responses = new LinkedBlockingQueue<>();

	private final CompletableFuture<Status> status = new CompletableFuture<>();

	private volatile Metadata trailers;

	private volatile boolean reading;

	private ChatClient(Channel channel) {
		this.call = channel.newCall(ChatServiceGrpc.getChatMethod(), CallOptions.DEFAULT);
		this.call.start(new ClientCall.Listener<>() {

			@Override
			public void onMessage(ChatResponse message) {
				ChatClient.this.responses.add(message);
				if (ChatClient.this.reading) {
					ChatClient.this.call.request(1);
				}
			}

			@Override
			public void onClose(Status closeStatus, Metadata closeTrailers) {
				ChatClient.this.trailers = closeTrailers;
				ChatClient.this.status.complete(closeStatus);
			}

		}, new Metadata());
	}

	/**
	 * Opens a stream that reads every response as it arrives.
	 * @param channel channel to the server
	 * @return the client
	 */
	public static ChatClient open(Channel channel) {
		return new ChatClient(channel).read();
	}

	/**
	 * Opens a stream that asks the server for no response at all until {@link #read()}.
	 * @param channel channel to the server
	 * @return the client
	 */
	public static ChatClient openNotReading(Channel channel) {
		return new ChatClient(channel);
	}

	/**
	 * Starts reading every response as it arrives.
	 * @return this client
	 */
	public ChatClient read() {
		this.reading = true;
		this.call.request(1);
		return this;
	}

	public ChatClient join(String roomId, long userId) {
		return request(ChatRequest.newBuilder()
			.setJoin(JoinRoom.newBuilder().setRoomId(roomId).setUserId(userId))
			.build());
	}

	public ChatClient send(String text) {
		return request(ChatRequest.newBuilder().setSend(SendMessage.newBuilder().setText(text)).build());
	}

	public ChatClient send(String text, String clientMessageId) {
		return request(ChatRequest.newBuilder()
			.setSend(SendMessage.newBuilder().setText(text).setClientMessageId(clientMessageId))
			.build());
	}

	public ChatClient request(ChatRequest request) {
		this.call.sendMessage(request);
		return this;
	}

	public void halfClose() {
		this.call.halfClose();
	}

	public void cancel() {
		this.call.cancel("test cancels", null);
	}

	/**
	 * Returns the next response.
	 * @return the response
	 * @throws AssertionError if none arrives in time
	 */
	public ChatResponse next() {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		try {
			while (System.nanoTime() < deadline) {
				boolean ended = this.status.isDone();
				ChatResponse response = this.responses.poll(50, TimeUnit.MILLISECONDS);
				if (response != null) {
					return response;
				}
				if (ended) {
					throw new AssertionError("no further response: the stream ended with " + this.status.join());
				}
			}
			throw new AssertionError("no response within " + TIMEOUT);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Returns the next response that matches, skipping the others.
	 * @param filter which response
	 * @return the response
	 */
	public ChatResponse next(Predicate<ChatResponse> filter) {
		while (true) {
			ChatResponse response = next();
			if (filter.test(response)) {
				return response;
			}
		}
	}

	/**
	 * Returns the Joined that must be the first response.
	 * @return the Joined
	 */
	public Joined awaitJoined() {
		ChatResponse first = next();
		if (!first.hasJoined()) {
			throw new AssertionError("first response is not a Joined: " + first);
		}
		return first.getJoined();
	}

	/**
	 * Collects the next chat messages, skipping membership events.
	 * @param count how many
	 * @return the messages
	 */
	public List<ChatMessage> awaitMessages(int count) {
		List<ChatMessage> messages = new ArrayList<>(count);
		while (messages.size() < count) {
			messages.add(next(ChatResponse::hasMessage).getMessage());
		}
		return messages;
	}

	/**
	 * Returns every response received so far without waiting.
	 * @return the responses
	 */
	public List<ChatResponse> drainReceived() {
		List<ChatResponse> received = new ArrayList<>();
		this.responses.drainTo(received);
		return received;
	}

	/**
	 * Waits for the end of the stream.
	 * @return its status
	 */
	public Status awaitStatus() {
		try {
			return this.status.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new AssertionError("the stream did not end within " + TIMEOUT, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Returns the trailers the stream ended with, after {@link #awaitStatus()}.
	 * @return the trailers
	 */
	public Metadata trailers() {
		return this.trailers;
	}

	public boolean isClosed() {
		return this.status.isDone();
	}

	@Override
	public void close() {
		if (!this.status.isDone()) {
			cancel();
		}
	}

}
