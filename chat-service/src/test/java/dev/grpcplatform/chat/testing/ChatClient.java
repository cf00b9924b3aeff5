package dev.grpcplatform.chat.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.grpcplatform.proto.chat.v1.ChatMessage;
import dev.grpcplatform.proto.chat.v1.ChatRequest;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.ChatServiceGrpc;
import dev.grpcplatform.proto.chat.v1.JoinRoom;
import dev.grpcplatform.proto.chat.v1.Joined;
import dev.grpcplatform.proto.chat.v1.SendMessage;
import dev.grpcplatform.proto.chat.v1.SubscribeRoomRequest;
import dev.grpcplatform.proto.chat.v1.SubscribeRoomResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;

/**
 * One Chat stream (or SubscribeRoom call) seen from the client, on a raw {@link ClientCall}: requests are sent from the
 * test thread; responses are asked from the server only as the test says ({@link #read()} for a
 * member that keeps reading, nothing for one that never reads).
 */
public final class ChatClient implements AutoCloseable {

	/**
	 * Time any one expected response may take to arrive.
	 */
	public static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final ClientCall<?, ?> call;

	/**
	 * Sends a request on a Chat stream; fails on a SubscribeRoom call, whose only request is sent.
	 */
	private final Consumer<ChatRequest> sender;

	private final BlockingQueue<ChatResponse> responses = new LinkedBlockingQueue<>();

	private final CompletableFuture<Status> status = new CompletableFuture<>();

	private volatile Metadata trailers;

	private volatile boolean reading;

	private ChatClient(Channel channel) {
		ClientCall<ChatRequest, ChatResponse> chat = channel.newCall(ChatServiceGrpc.getChatMethod(), CallOptions.DEFAULT);
		this.call = chat;
		this.sender = chat::sendMessage;
		start(chat, Function.identity());
	}

	private ChatClient(ClientCall<SubscribeRoomRequest, SubscribeRoomResponse> subscription) {
		this.call = subscription;
		this.sender = (request) -> {
			throw new IllegalStateException("a SubscribeRoom call sends no request after its join: " + request);
		};
		start(subscription, SubscribeRoomResponse::getEvent);
	}

	private <R> void start(ClientCall<?, R> started, Function<R, ChatResponse> event) {
		started.start(new ClientCall.Listener<>() {

			@Override
			public void onMessage(R message) {
				ChatClient.this.responses.add(event.apply(message));
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
	 * Opens a SubscribeRoom call (the browser's way into a room) that joins as a Chat stream's
	 * JoinRoom would and reads every event as it arrives, unwrapped.
	 * @param channel channel to the server
	 * @param roomId the room
	 * @param userId the member
	 * @return the client; {@link #send} is not available, post with SendRoomMessage
	 */
	public static ChatClient subscribe(Channel channel, String roomId, long userId) {
		return subscribe(channel, SubscribeRoomRequest.newBuilder()
			.setJoin(JoinRoom.newBuilder().setRoomId(roomId).setUserId(userId))
			.build());
	}

	/**
	 * Opens a SubscribeRoom call with the given request.
	 * @param channel channel to the server
	 * @param request the request
	 * @return the client
	 */
	public static ChatClient subscribe(Channel channel, SubscribeRoomRequest request) {
		ClientCall<SubscribeRoomRequest, SubscribeRoomResponse> subscription = channel
			.newCall(ChatServiceGrpc.getSubscribeRoomMethod(), CallOptions.DEFAULT);
		ChatClient client = new ChatClient(subscription);
		subscription.sendMessage(request);
		subscription.halfClose();
		return client.read();
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
		this.sender.accept(request);
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

	/**
	 * Groups messages by sender, each sender's texts in the order received.
	 * @param messages the messages
	 * @return texts by sender user id
	 */
	public static Map<Long, List<String>> textsBySender(List<ChatMessage> messages) {
		return messages.stream()
			.collect(Collectors.groupingBy((message) -> message.getSender().getUserId(),
					Collectors.mapping(ChatMessage::getText, Collectors.toList())));
	}

	/**
	 * Returns the texts "prefix 0" to "prefix count-1", as a test's sender sends them.
	 * @param prefix the text before the number
	 * @param count how many
	 * @return the texts
	 */
	public static List<String> numbered(String prefix, int count) {
		return IntStream.range(0, count).mapToObj((i) -> prefix + " " + i).toList();
	}

}
