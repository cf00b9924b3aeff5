package dev.grpcplatform.chat.room;

import dev.grpcplatform.chat.users.UserDirectory;
import dev.grpcplatform.proto.chat.v1.ChatRequest;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.ChatServiceGrpc;
import dev.grpcplatform.starter.security.RequireScopes;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import org.springframework.stereotype.Service;

/**
 * {@code platform.chat.v1.ChatService}: one {@link ChatSession} per Chat stream.
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
		return new ChatSession((ServerCallStreamObserver<ChatResponse>) responses, this.rooms, this.users);
	}

}
