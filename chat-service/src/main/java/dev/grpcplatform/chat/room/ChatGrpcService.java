package dev.grpcplatform.chat.room;

import java.util.concurrent.CompletionException;

import dev.grpcplatform.chat.broker.BrokerUnavailableException;
import dev.grpcplatform.chat.users.UserDirectory;
import dev.grpcplatform.proto.chat.v1.ChatMessage;
import dev.grpcplatform.proto.chat.v1.ChatRequest;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.ChatServiceGrpc;
import dev.grpcplatform.proto.chat.v1.SendRoomMessageRequest;
import dev.grpcplatform.proto.chat.v1.SendRoomMessageResponse;
import dev.grpcplatform.proto.chat.v1.SubscribeRoomRequest;
import dev.grpcplatform.proto.chat.v1.SubscribeRoomResponse;
import dev.grpcplatform.starter.security.RequireScopes;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import org.springframework.stereotype.Service;

/**
 * {@code platform.chat.v1.ChatService}: one {@link ChatSession} per Chat stream or SubscribeRoom
 * call; SendRoomMessage posts through the same {@link ChatRooms}.
 *
 * <p>The platform has authenticated the caller, checked the scope chat:write and validated every
 * request message before the session sees it.
 *
 * <p>A plain Spring bean: the platform serves every {@code BindableService} bean, on either Boot line.
 */
@Service
public class ChatGrpcService extends ChatServiceGrpc.ChatServiceImplBase {

	private final ChatRooms rooms;

	private final UserDirectory users;

	ChatGrpcService(ChatRooms rooms, UserDirectory users) {
		this.rooms = rooms;
		this.users = users;
	}

	@RequireScopes("chat:write")
	@Override
	public StreamObserver<ChatRequest> chat(StreamObserver<ChatResponse> responses) {
		return ChatSession.chat((ServerCallStreamObserver<ChatResponse>) responses, this.rooms, this.users);
	}

	@RequireScopes("chat:write")
	@Override
	public void subscribeRoom(SubscribeRoomRequest request, StreamObserver<SubscribeRoomResponse> responses) {
		ChatSession.subscribe(request, (ServerCallStreamObserver<SubscribeRoomResponse>) responses, this.rooms,
				this.users);
	}

	@RequireScopes("chat:write")
	@Override
	public void sendRoomMessage(SendRoomMessageRequest request, StreamObserver<SendRoomMessageResponse> responses) {
		this.users.member(request.getUserId()).whenComplete((sender, failure) -> {
			if (failure != null) {
				responses.onError((failure instanceof CompletionException) ? failure.getCause() : failure);
				return;
			}
			ChatMessage message;
			try {
				message = this.rooms.send(request.getRoomId(), sender, request.getMessage());
			}
			catch (BrokerUnavailableException ex) {
				responses.onError(ChatSession.brokerUnavailable());
				return;
			}
			catch (RuntimeException ex) {
				// Nobody would see it on this thread: the platform maps it (INTERNAL with an error id).
				responses.onError(ex);
				return;
			}
			responses.onNext(SendRoomMessageResponse.newBuilder()
				.setMessageId(message.getMessageId())
				.setSentAt(message.getSentAt())
				.build());
			responses.onCompleted();
		});
	}

}
