package dev.grpcplatform.starter.client;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the credentials and TLS of outgoing gRPC channels, by net.devh
 * client name.
 */
@ConfigurationProperties("platform.grpc.client")
public class GrpcClientProperties {

	/**
	 * Whether to apply the channel settings to net.devh's @GrpcClient channels.
	 */
	private boolean enabled = true;

	/**
	 * Settings by client name (the name of @GrpcClient and grpc.client.<name>.*): <name>.credentials
	 * (forward, static or none), <name>.token (the bearer token sent when credentials is static) and
	 * <name>.tls.bundle (SSL bundle whose truststore verifies the server and whose keystore, if any,
	 * holds the client certificate for mTLS).
	 */
	private Map<String, Channel> channels = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Map<String, Channel> getChannels() {
		return this.channels;
	}

	public void setChannels(Map<String, Channel> channels) {
		this.channels = channels;
	}

	/**
	 * Settings of one channel.
	 */
	public static class Channel {

		/**
		 * Credentials sent with every call of the channel.
		 */
		private Credentials credentials = Credentials.NONE;

		/**
		 * Bearer token sent when credentials is static.
		 */
		private String token;

		private final Tls tls = new Tls();

		public Credentials getCredentials() {
			return this.credentials;
		}

		public void setCredentials(Credentials credentials) {
			this.credentials = credentials;
		}

		public String getToken() {
			return this.token;
		}

		public void setToken(String token) {
			this.token = token;
		}

		public Tls getTls() {
			return this.tls;
		}

	}

	/**
	 * TLS of one channel.
	 */
	public static class Tls {

		/**
		 * Name of the SSL bundle whose truststore verifies the server's certificate and whose
		 * keystore, if any, holds the client certificate for mTLS.
		 */
		private String bundle;

		public String getBundle() {
			return this.bundle;
		}

		public void setBundle(String bundle) {
			this.bundle = bundle;
		}

	}

	/**
	 * Credentials a channel sends.
	 */
	public enum Credentials {

		/**
		 * The bearer token of the caller of the gRPC call being served on the calling thread, if
		 * any.
		 */
		FORWARD,

		/**
		 * The configured token.
		 */
		STATIC,

		/**
		 * No credentials.
		 */
		NONE

	}

}
