package dev.grpcplatform.starter.client;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.security.DevelopmentTokens;
import dev.grpcplatform.starter.testing.CallerTestApplication;
import dev.grpcplatform.starter.testing.EchoCalls;
import dev.grpcplatform.starter.testing.TestCertificates;
import dev.grpcplatform.starter.testing.TestServers;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoResponse;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for the credentials and TLS of outgoing channels: a front service calls a
 * downstream service from its handlers through {@link GrpcChannels}, over real sockets.
 */
class GrpcChannelSecurityIntegrationTests {

	private static final String SECRET = "secret-shared-by-front-and-downstream-services";

	@TempDir
	static Path directory;

	private static TestCertificates ca;

	@BeforeAll
	static void createCertificates() throws Exception {
		ca = TestCertificates.createCa(directory, "mesh-ca");
	}

	private static RunningGrpcApplication downstream(String... more) {
		List<String> properties = new ArrayList<>(
				List.of(TestServers.NO_PUBLIC_METHODS, "platform.grpc.security.jwt.secret=" + SECRET));
		properties.addAll(List.of(more));
		return TestServers.start(new Class<?>[] { CallerTestApplication.class }, properties.toArray(String[]::new));
	}

	private static RunningGrpcApplication front(RunningGrpcApplication downstream, String... more) {
		List<String> properties = new ArrayList<>(List.of(TestServers.NO_PUBLIC_METHODS,
				"platform.grpc.security.jwt.secret=" + SECRET));
		properties.addAll(List.of(TestServers.clientChannel("downstream", downstream.port())));
		properties.addAll(List.of(more));
		return TestServers.start(new Class<?>[] { FrontApplication.class }, properties.toArray(String[]::new));
	}

	private static String token(String subject) {
		return DevelopmentTokens.builder().secret(SECRET).subject(subject).mint();
	}

	@Test
	void forwardedTokenNamesTheCallerDownstreamFromUnaryAndStreamingHandlers() throws Exception {
		try (RunningGrpcApplication downstream = downstream();
				RunningGrpcApplication front = front(downstream, "platform.grpc.client.channels.downstream.credentials=forward")) {
			Metadata alice = EchoCalls.bearer(token("alice"));
			EchoCalls.Result unary = EchoCalls.call(front.newChannel(), EchoCalls.Type.UNARY, alice);
			assertThat(unary.responses()).containsExactly("alice|alice");
			EchoCalls.Result chat = EchoCalls.call(front.newChannel(), EchoCalls.Type.BIDI_STREAMING, alice);
			assertThat(chat.responses()).hasSize(3).containsOnly("alice|alice");
			assertThat(EchoCalls.call(front.newChannel(), EchoCalls.Type.UNARY, EchoCalls.bearer(token("bob"))).responses())
				.containsExactly("bob|bob");
		}
	}

	@Test
	void channelWithoutCredentialsSendsNoToken() throws Exception {
		try (RunningGrpcApplication downstream = downstream(); RunningGrpcApplication front = front(downstream)) {
			EchoCalls.Result result = EchoCalls.call(front.newChannel(), EchoCalls.Type.UNARY,
					EchoCalls.bearer(token("alice")));
			assertThat(result.status().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
		}
	}

	@Test
	void staticTokenIsSentWhateverTheCaller() throws Exception {
		try (RunningGrpcApplication downstream = downstream();
				RunningGrpcApplication front = front(downstream, "platform.grpc.client.channels.downstream.credentials=static",
						"platform.grpc.client.channels.downstream.token=" + token("front-service"))) {
			EchoCalls.Result result = EchoCalls.call(front.newChannel(), EchoCalls.Type.UNARY,
					EchoCalls.bearer(token("alice")));
			assertThat(result.responses()).containsExactly("front-service|front-service");
		}
	}

	@Test
	void channelWithTlsBundlePresentsItsClientCertificateToAMutualTlsDownstream() throws Exception {
		TestCertificates.Issued server = ca.issueServer("downstream");
		TestCertificates.Issued client = ca.issueClient("front-service");
		try (RunningGrpcApplication downstream = downstream(
				"spring.ssl.bundle.pem.server.keystore.certificate=file:" + server.certificateFile(),
				"spring.ssl.bundle.pem.server.keystore.private-key=file:" + server.privateKeyFile(),
				"spring.ssl.bundle.pem.server.truststore.certificate=file:" + ca.caCertificate(),
				"platform.grpc.security.tls.bundle=server", "platform.grpc.security.tls.client-auth=require");
				RunningGrpcApplication front = front(downstream,
						"spring.ssl.bundle.pem.mesh.keystore.certificate=file:" + client.certificateFile(),
						"spring.ssl.bundle.pem.mesh.keystore.private-key=file:" + client.privateKeyFile(),
						"spring.ssl.bundle.pem.mesh.truststore.certificate=file:" + ca.caCertificate(),
						"platform.grpc.client.channels.downstream.tls.bundle=mesh")) {
			EchoCalls.Result result = EchoCalls.call(front.newChannel(), EchoCalls.Type.UNARY,
					EchoCalls.bearer(token("alice")));
			String subject = "CN=front-service,O=grpc-platform tests";
			assertThat(result.responses()).containsExactly(subject + "|" + subject);
		}
	}

	/**
	 * Front service that calls the downstream echo service from its handlers and answers with
	 * what the downstream service answered.
	 */
	static class FrontEchoService extends EchoServiceGrpc.EchoServiceImplBase {

		private final GrpcChannels channels;

		FrontEchoService(GrpcChannels channels) {
			this.channels = channels;
		}

		private EchoServiceGrpc.EchoServiceBlockingStub downstream() {
			return EchoServiceGrpc.newBlockingStub(this.channels.channel("downstream"));
		}

		@Override
		public void echo(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
			responseObserver.onNext(downstream().echo(request));
			responseObserver.onCompleted();
		}

		@Override
		public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responseObserver) {
			return new StreamObserver<>() {

				@Override
				public void onNext(EchoRequest request) {
					responseObserver.onNext(downstream().echo(request));
				}

				@Override
				public void onError(Throwable t) {
				}

				@Override
				public void onCompleted() {
					responseObserver.onCompleted();
				}

			};
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(FrontEchoService.class)
	static class FrontApplication {

	}

}
