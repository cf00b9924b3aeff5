package dev.grpcplatform.starter.security;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.testing.CallerTestApplication;
import dev.grpcplatform.starter.testing.EchoCalls;
import dev.grpcplatform.starter.testing.TestServers;
import io.grpc.Status;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for the keys that verify bearer tokens: RSA and EC public keys from PEM files,
 * a JSON Web Key Set from the issuer, and the development secret; over a real socket.
 */
class GrpcSecurityKeysIntegrationTests {

	@TempDir
	static Path directory;

	private static KeyPair rsa;

	private static KeyPair ec;

	@BeforeAll
	static void createKeys() throws Exception {
		KeyPairGenerator rsaGenerator = KeyPairGenerator.getInstance("RSA");
		rsaGenerator.initialize(2048);
		rsa = rsaGenerator.generateKeyPair();
		KeyPairGenerator ecGenerator = KeyPairGenerator.getInstance("EC");
		ecGenerator.initialize(new ECGenParameterSpec("secp256r1"));
		ec = ecGenerator.generateKeyPair();
	}

	private static String sign(JWSAlgorithm algorithm, JWSSigner signer, String keyId, String subject) throws Exception {
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject)
			.expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5))))
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId).build(), claims);
		jwt.sign(signer);
		return jwt.serialize();
	}

	private static Path writePublicKeyPem(String fileName, PublicKey key) throws IOException {
		String pem = "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
				+ "\n-----END PUBLIC KEY-----\n";
		return Files.writeString(directory.resolve(fileName), pem);
	}

	private static Status.Code callAs(RunningGrpcApplication server, String token) throws Exception {
		return EchoCalls.call(server.newChannel(), EchoCalls.Type.UNARY, EchoCalls.bearer(token)).status().getCode();
	}

	@Test
	void rs256TokensAreVerifiedWithAPublicKeyFromAPemFile() throws Exception {
		Path pem = writePublicKeyPem("rsa.pem", rsa.getPublic());
		try (RunningGrpcApplication server = TestServers.start(new Class<?>[] { CallerTestApplication.class },
				TestServers.NO_PUBLIC_METHODS, "platform.grpc.security.jwt.public-key-location=file:" + pem)) {
			String token = sign(JWSAlgorithm.RS256, new RSASSASigner(rsa.getPrivate()), "any", "alice");
			assertThat(EchoCalls.call(server.newChannel(), EchoCalls.Type.UNARY, EchoCalls.bearer(token)).responses())
				.containsExactly("alice|alice");
			// An HMAC token "signed" with the public key must not pass as RS256.
			assertThat(callAs(server, DevelopmentTokens.builder()
				.secret(new String(Base64.getEncoder().encode(rsa.getPublic().getEncoded()), StandardCharsets.US_ASCII))
				.mint())).isEqualTo(Status.Code.UNAUTHENTICATED);
		}
	}

	@Test
	void es256TokensAreVerifiedWithAnEcPublicKey() throws Exception {
		Path pem = writePublicKeyPem("ec.pem", ec.getPublic());
		try (RunningGrpcApplication server = TestServers.start(new Class<?>[] { CallerTestApplication.class },
				TestServers.NO_PUBLIC_METHODS, "platform.grpc.security.jwt.public-key-location=file:" + pem)) {
			assertThat(ec.getPublic()).isInstanceOf(ECPublicKey.class);
			assertThat(callAs(server, sign(JWSAlgorithm.ES256, new ECDSASigner(ec.getPrivate(), Curve.P_256), null, "alice")))
				.isEqualTo(Status.Code.OK);
			assertThat(callAs(server, sign(JWSAlgorithm.RS256, new RSASSASigner(rsa.getPrivate()), null, "alice")))
				.isEqualTo(Status.Code.UNAUTHENTICATED);
		}
	}

	@Test
	void tokensAreVerifiedWithTheIssuersJsonWebKeySet() throws Exception {
		RSAKey jwk = new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).keyID("key-1").build();
		byte[] jwks = new JWKSet(jwk).toString().getBytes(StandardCharsets.UTF_8);
		HttpServer issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		issuer.createContext("/jwks", (exchange) -> {
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, jwks.length);
			try (OutputStream body = exchange.getResponseBody()) {
				body.write(jwks);
			}
		});
		issuer.start();
		try (RunningGrpcApplication server = TestServers.start(new Class<?>[] { CallerTestApplication.class },
				TestServers.NO_PUBLIC_METHODS, "platform.grpc.security.jwt.jwk-set-uri=http://127.0.0.1:"
						+ issuer.getAddress().getPort() + "/jwks")) {
			RSASSASigner signer = new RSASSASigner((RSAPrivateKey) rsa.getPrivate());
			assertThat(callAs(server, sign(JWSAlgorithm.RS256, signer, "key-1", "alice"))).isEqualTo(Status.Code.OK);
			assertThat(callAs(server, sign(JWSAlgorithm.RS256, signer, "unknown-key", "alice")))
				.isEqualTo(Status.Code.UNAUTHENTICATED);
		}
		finally {
			issuer.stop(0);
		}
	}

	@Test
	void unreachableKeySetIsUnavailableNotUnauthenticated() throws Exception {
		int port;
		try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = closed.getLocalPort();
		}
		try (RunningGrpcApplication server = TestServers.start(new Class<?>[] { CallerTestApplication.class },
				TestServers.NO_PUBLIC_METHODS, "platform.grpc.security.jwt.jwk-set-uri=http://127.0.0.1:" + port + "/jwks")) {
			EchoCalls.Result result = EchoCalls.call(server.newChannel(), EchoCalls.Type.UNARY,
					EchoCalls.bearer(sign(JWSAlgorithm.RS256, new RSASSASigner(rsa.getPrivate()), "key-1", "alice")));
			assertThat(result.status().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(result.status().getDescription()).isEqualTo("Authentication is temporarily unavailable");
		}
	}

	@Test
	void devProfileAcceptsDevelopmentTokensWithoutAnyKeySetting() throws Exception {
		try (RunningGrpcApplication server = TestServers.start(new Class<?>[] { CallerTestApplication.class },
				TestServers.NO_PUBLIC_METHODS, "spring.profiles.active=dev")) {
			assertThat(EchoCalls
				.call(server.newChannel(), EchoCalls.Type.UNARY, EchoCalls.bearer(DevelopmentTokens.mint("alice")))
				.responses()).containsExactly("alice|alice");
		}
	}

}
