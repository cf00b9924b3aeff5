package dev.grpcplatform.chat.users;

import dev.grpcplatform.chat.testing.ChatClient;
import dev.grpcplatform.chat.testing.ChatServiceUnderTest;
import dev.grpcplatform.chat.testing.UserServiceProcess;
import dev.grpcplatform.proto.chat.v1.Member;
import dev.grpcplatform.proto.user.v1.CreateUserRequest;
import dev.grpcplatform.proto.user.v1.User;
import dev.grpcplatform.proto.user.v1.UserServiceGrpc;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.security.DevelopmentTokens;
import io.grpc.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * chat-service against the real user-service (its jar, in a JVM of its own): members are the
 * users that user-service holds, looked up with the chat caller's own token.
 */
class UserServiceEndToEndIntegrationTests {

	private static UserServiceProcess users;

	private static RunningGrpcApplication chat;

	private static User ada;

	@BeforeAll
	static void start() {
		users = UserServiceProcess.start(DevelopmentTokens.mint("admin", "users:read", "users:write"));
		ada = UserServiceGrpc.newBlockingStub(users.channel())
			.createUser(CreateUserRequest.newBuilder().setName("Ada Lovelace").setEmail("ada@example.com").build())
			.getUser();
		chat = ChatServiceUnderTest.start(users.addressProperty());
	}

	@AfterAll
	static void stop() {
		if (chat != null) {
			chat.close();
		}
		if (users != null) {
			users.close();
		}
	}

	@Test
	void memberJoinsAsTheUserThatUserServiceHolds() {
		String token = DevelopmentTokens.mint("ada", "chat:write", "users:read");
		try (ChatClient client = ChatClient.open(chat.newChannel(token))) {
			assertThat(client.join("lobby", ada.getId()).awaitJoined().getMembersList())
				.containsExactly(Member.newBuilder().setUserId(ada.getId()).setName("Ada Lovelace").build());
		}
	}

	@Test
	void unknownUserFailsWithNotFound() {
		String token = DevelopmentTokens.mint("ada", "chat:write", "users:read");
		try (ChatClient client = ChatClient.open(chat.newChannel(token))) {
			client.join("lobby", 424242);
			Status status = client.awaitStatus();
			assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
			assertThat(status.getDescription()).isEqualTo("user 424242 not found");
		}
	}

	@Test
	void callerWithoutUsersReadIsRefusedByUserServiceAndToldWhichScopeItLacks() {
		String token = DevelopmentTokens.mint("mallory", "chat:write");
		try (ChatClient client = ChatClient.open(chat.newChannel(token))) {
			// A user not looked up before: a cached one would not be asked for again.
			client.join("lobby", 424243);
			Status status = client.awaitStatus();
			assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
			assertThat(status.getDescription()).contains("users:read");
		}
	}

}
