package dev.grpcplatform.chat.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.grpcplatform.chat.testing.ChatWithUsers;
import dev.grpcplatform.chat.testing.FakeUserService;
import dev.grpcplatform.proto.chat.v1.ChatServiceGrpc;
import dev.grpcplatform.proto.chat.v1.SendMessage;
import dev.grpcplatform.proto.chat.v1.SendRoomMessageRequest;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat page as the jar serves it on the application's HTTP port, and the development token
 * it mints itself under the {@code dev} profile.
 */
class ChatPageIntegrationTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static ChatWithUsers service;

	private static RunningGrpcApplication chat;

	@BeforeAll
	static void start() {
		service = ChatWithUsers.start(FakeUserService.start().user(1, "Ada"));
		chat = service.chat();
	}

	@AfterAll
	static void stop() {
		if (service != null) {
			service.close();
		}
	}

	@Test
	void thePageAndItsBundledScriptAreServedWithNothingLoadedFromElsewhere() throws Exception {
		HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/")).GET());
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying((type) -> assertThat(type).startsWith("text/html"));
		assertThat(page.body()).contains("<script type=\"module\" src=\"chat.js\"></script>")
			.doesNotContainIgnoringCase("http://")
			.doesNotContainIgnoringCase("https://");
		HttpResponse<String> script = send(HttpRequest.newBuilder(uri("/chat.js")).GET());
		assertThat(script.statusCode()).isEqualTo(200);
		assertThat(script.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).contains("javascript"));
		// The generated ChatService client and connect-web's gRPC-Web transport, in one file.
		assertThat(script.body()).contains("subscribeRoom", "sendRoomMessage", "application/grpc-web")
			.doesNotContain("import(\"http")
			.doesNotContainPattern("\\bfrom\\s*\"https?:");
	}

	@Test
	void underTheDevProfileTheServerMintsATokenThatItsGrpcServerAccepts() throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/dev/token")).POST(HttpRequest.BodyPublishers.noBody()));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
		// Read without a JSON library: the Boot lines bring different Jackson generations.
		assertThat(response.body()).contains("\"scopes\":\"chat:write users:read\"");
		Matcher token = Pattern.compile("\"token\":\"([A-Za-z0-9_.-]+)\"").matcher(response.body());
		assertThat(token.find()).as("token in %s", response.body()).isTrue();
		ManagedChannel channel = chat.newChannel(token.group(1));
		try {
			assertThat(ChatServiceGrpc.newBlockingStub(channel)
				.sendRoomMessage(SendRoomMessageRequest.newBuilder()
					.setRoomId("page")
					.setUserId(1)
					.setMessage(SendMessage.newBuilder().setText("hello from the page's token"))
					.build())
				.getMessageId()).hasSize(26);
		}
		finally {
			channel.shutdownNow();
		}
	}

	@Test
	void aGetOfTheTokenEndpointMintsNothing() throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/dev/token")).GET());
		assertThat(response.statusCode()).isEqualTo(405);
		assertThat(response.body()).doesNotContain("eyJ");
	}

	@Test
	void withoutTheDevProfileThereIsNoTokenEndpoint() {
		new ApplicationContextRunner().withUserConfiguration(DevelopmentTokenController.class)
			.run((context) -> assertThat(context).doesNotHaveBean(DevelopmentTokenController.class));
		new ApplicationContextRunner().withUserConfiguration(DevelopmentTokenController.class)
			.withPropertyValues("spring.profiles.active=dev")
			.run((context) -> assertThat(context).hasSingleBean(DevelopmentTokenController.class));
	}

	private static URI uri(String path) {
		return URI.create("http://127.0.0.1:" + chat.webPort() + path);
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
	}

}
