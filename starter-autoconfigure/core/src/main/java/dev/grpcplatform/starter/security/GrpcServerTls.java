package dev.grpcplatform.starter.security;

import java.util.List;

import javax.net.ssl.SSLException;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.util.Assert;

/**
 * Builds the server's TLS context from a Spring Boot SSL bundle.
 */
public final class GrpcServerTls {

	private GrpcServerTls() {
	}

	/**
	 * Creates the server's TLS context.
	 * @param bundleName name of the bundle, for messages
	 * @param bundle the bundle: keystore with the server's certificate and key, truststore for
	 * client certificates
	 * @param clientAuth whether clients must or may present a certificate
	 * @return the context
	 */
	public static SslContext serverContext(String bundleName, SslBundle bundle, GrpcSecurityProperties.ClientAuth clientAuth) {
		Assert.state(bundle.getStores().getKeyStore() != null,
				() -> "SSL bundle '" + bundleName + "' of platform.grpc.security.tls.bundle has no keystore "
						+ "with the server's certificate");
		SslContextBuilder builder = GrpcSslContexts
			.configure(SslContextBuilder.forServer(bundle.getManagers().getKeyManagerFactory()));
		if (clientAuth != GrpcSecurityProperties.ClientAuth.NONE) {
			Assert.state(bundle.getStores().getTrustStore() != null,
					() -> "SSL bundle '" + bundleName + "' has no truststore to verify client certificates with "
							+ "(platform.grpc.security.tls.client-auth=" + clientAuth.name().toLowerCase() + ")");
			builder.trustManager(bundle.getManagers().getTrustManagerFactory())
				.clientAuth((clientAuth == GrpcSecurityProperties.ClientAuth.REQUIRE) ? ClientAuth.REQUIRE
						: ClientAuth.OPTIONAL);
		}
		SslOptions options = bundle.getOptions();
		if (options.getEnabledProtocols() != null) {
			builder.protocols(options.getEnabledProtocols());
		}
		if (options.getCiphers() != null) {
			builder.ciphers(List.of(options.getCiphers()));
		}
		try {
			return builder.build();
		}
		catch (SSLException ex) {
			throw new IllegalStateException("Cannot create the gRPC server's TLS context from SSL bundle '" + bundleName + "'",
					ex);
		}
	}

}
