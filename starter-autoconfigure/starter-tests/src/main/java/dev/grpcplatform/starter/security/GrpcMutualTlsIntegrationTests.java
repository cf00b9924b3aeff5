package dev.grpcplatform.starter.security;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLException;

import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.testing.CallerGrpcService;
import dev.grpcplatform.starter.testing.CallerTestApplication;
import dev.grpcplatform.starter.testing.EchoCalls;
import dev.grpcplatform.starter.testing.SecuredEcho;
import dev.grpcplatform.starter.testing.TestCertificates;
import dev.grpcplatform.starter.testing.TestServers;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Integration tests for the server's TLS and mutual TLS over a real socket, with certificates the
 * tests generate.
 */
class GrpcMutualTlsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@TempDir
	static Path directory;

	private static TestCertificates ca;

	private static TestCertificates.Issued serverCertificate;

	private static TestCertificates.Issued clientCertificate;

	private static TestCertificates.Issued strangerCertificate;

	private final List<ManagedChannel> channels = new ArrayList<>();

	@BeforeAll
	static void createCertificates() throws Exception {
		ca = TestCertificates.createCa(directory, "test-ca");
		serverCertificate = ca.issueServer("echo-server");
		clientCertificate = ca.issueClient("billing");
		strangerCertificate = TestCertificates.createCa(directory, "stranger-ca").issueClient("stranger");
	}

	@AfterEach
	void closeChannels() {
		this.channels.forEach(ManagedChannel::shutdownNow);
	}

	private static String[] pemServer(String... more) {
		List<String> properties = new ArrayList<>(List.of(TestServers.NO_PUBLIC_METHODS,
				"spring.ssl.bundle.pem.server.keystore.certificate=file:" + serverCertificate.certificateFile(),
				"spring.ssl.bundle.pem.server.keystore.private-key=file:" + serverCertificate.privateKeyFile(),
				"spring.ssl.bundle.pem.server.truststore.certificate=file:" + ca.caCertificate(),
				"platform.grpc.security.tls.bundle=server"));
		properties.addAll(List.of(more));
		return properties.toArray(String[]::new);
	}

	private ManagedChannel tlsChannel(RunningGrpcApplication server, TestCertificates.Issued client) throws SSLException {
		SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(ca.caCertificate().toFile());
		if (client != null) {
			ssl.keyManager(client.certificateFile().toFile(), client.privateKeyFile().toFile());
		}
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
			.sslContext(ssl.build())
			.build();
		this.channels.add(channel);
		return channel;
	}

	@Test
	void clientWithoutACertificateFailsTheHandshakeWhenClientAuthIsRequired() throws Exception {
		try (RunningGrpcApplication server = TestServers.start(new Class<?>[] { CallerTestApplication.class },
				pemServer("platform.grpc.security.tls.client-auth=require"))) {
			EchoCalls.Result result = EchoCalls.call(tlsChannel(server, null), EchoCalls.Type.UNARY, new Metadata());
			assertThat(result.status().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(server.bean(CallerGrpcService.class).started).isEmpty();
		}
	}

	@Test
	void clientWithACertificateOfAnotherCaFailsTheHandshake() throws Exception {
		try (RunningGrpcApplication server = TestServers.start(new Class<?>[] { CallerTestApplication.class },
				pemServer("platform.grpc.security.tls.client-auth=require"))) {
			EchoCalls.Result result = EchoCalls.call(tlsChannel(server, strangerCertificate), EchoCalls.Type.UNARY,
					new Metadata());
			assertThat(result.status().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(server.bean(CallerGrpcService.class).started).isEmpty();
		}
	}

	@Test
	void handlerSeesTheSubjectOfTheClientCertificateOnEveryCallback() throws Exception {
		try (RunningGrpcApplication server = TestServers.start(new Class<?>[] { CallerTestApplication.class },
				pemServer("platform.grpc.security.tls.client-auth=require"))) {
			ManagedChannel channel = tlsChannel(server, clientCertificate);
			String subject = "CN=billing,O=grpc-platform tests";
			assertThat(clientCertificate.subject()).isEqualTo(subject);
			EchoCalls.Result unary = EchoCalls.call(channel, EchoCalls.Type.UNARY, new Metadata());
			assertThat(unary.responses()).containsExactly(subject + "|" + subject);
			EchoCalls.Result chat = EchoCalls.call(channel, EchoCalls.Type.BIDI_STREAMING, new Metadata());
			assertThat(chat.responses()).hasSize(3).containsOnly(subject + "|" + subject);
		}
	}

	@Test
	void bearerTokenNamesTheCallerEvenWithAClientCertificate() throws Exception {
		try (RunningGrpcApplication server = TestServers.start(new Class<?>[] { CallerTestApplication.class },
				pemServer("platform.grpc.security.tls.client-auth=optional",
						"platform.grpc.security.jwt.secret=" + SecuredEcho.SECRET))) {
			String token = DevelopmentTokens.builder().secret(SecuredEcho.SECRET).subject("alice").mint();
			EchoCalls.Result withBoth = EchoCalls.call(tlsChannel(server, clientCertificate), EchoCalls.Type.UNARY,
					EchoCalls.bearer(token));
			assertThat(withBoth.responses()).containsExactly("alice|alice");
			// Optional client auth: a client without certificate connects, and needs a token.
			ManagedChannel withoutCertificate = tlsChannel(server, null);
			assertThat(EchoCalls.call(withoutCertificate, EchoCalls.Type.UNARY, EchoCalls.bearer(token)).responses())
				.containsExactly("alice|alice");
			assertThat(EchoCalls.call(withoutCertificate, EchoCalls.Type.UNARY, new Metadata()).status().getCode())
				.isEqualTo(Status.Code.UNAUTHENTICATED);
		}
	}

	@Test
	void serverWithTlsRefusesPlaintextClients() throws Exception {
		try (RunningGrpcApplication server = TestServers.start(new Class<?>[] { CallerTestApplication.class }, pemServer())) {
			EchoCalls.Result result = EchoCalls.call(server.newChannel(), EchoCalls.Type.UNARY, new Metadata());
			assertThat(result.status().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
		}
	}

	@Test
	void serverTlsFromAPkcs12KeystoreBundle() throws Exception {
		try (RunningGrpcApplication server = TestServers.start(new Class<?>[] { CallerTestApplication.class },
				"platform.grpc.security.public-methods=platform.testing.v1.EchoService/Echo",
				"spring.ssl.bundle.jks.server.keystore.location=file:" + serverCertificate.keystore(),
				"spring.ssl.bundle.jks.server.keystore.password=" + TestCertificates.KEYSTORE_PASSWORD,
				"spring.ssl.bundle.jks.server.keystore.type=PKCS12", "platform.grpc.security.tls.bundle=server")) {
			EchoCalls.Result result = EchoCalls.call(tlsChannel(server, null), EchoCalls.Type.UNARY, new Metadata());
			assertThat(result.status().getCode()).isEqualTo(Status.Code.OK);
			assertThat(result.responses()).containsExactly("-|-");
		}
	}

	@Test
	void tlsAppliesEvenWithAuthenticationTurnedOff() throws Exception {
		try (RunningGrpcApplication server = TestServers.start(new Class<?>[] { CallerTestApplication.class },
				pemServer("platform.grpc.security.enabled=false"))) {
			assertThat(EchoCalls.call(server.newChannel(), EchoCalls.Type.UNARY, new Metadata()).status().getCode())
				.isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(EchoCalls.call(tlsChannel(server, null), EchoCalls.Type.UNARY, new Metadata()).status().getCode())
				.isEqualTo(Status.Code.OK);
		}
	}

	@Test
	void requiredClientAuthWithoutATruststoreFailsAtStartup() {
		assertThatException().isThrownBy(() -> TestServers.start(
				new Class<?>[] { CallerTestApplication.class },
				"spring.ssl.bundle.pem.server.keystore.certificate=file:" + serverCertificate.certificateFile(),
				"spring.ssl.bundle.pem.server.keystore.private-key=file:" + serverCertificate.privateKeyFile(),
				"platform.grpc.security.tls.bundle=server", "platform.grpc.security.tls.client-auth=require"))
			.satisfies((ex) -> assertThat(rootCause(ex)).hasMessageContaining("has no truststore"));
	}

	private static Throwable rootCause(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

}
