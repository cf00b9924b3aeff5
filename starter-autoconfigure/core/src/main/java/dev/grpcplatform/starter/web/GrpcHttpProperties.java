package dev.grpcplatform.starter.web;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Ways into the gRPC services over plain HTTP on the application's web server port: gRPC-Web for
 * browsers and HTTP/JSON transcoding from {@code google.api.http} annotations.
 *
 * <p>Both are off unless enabled; either needs the management server on its own port
 * ({@code management.server.port}), so that Actuator and the services never share a port.
 */
@ConfigurationProperties("platform.grpc.http")
public class GrpcHttpProperties {

	private final GrpcWeb grpcWeb = new GrpcWeb();

	private final Json json = new Json();

	private final Cors cors = new Cors();

	public GrpcWeb getGrpcWeb() {
		return this.grpcWeb;
	}

	public Json getJson() {
		return this.json;
	}

	public Cors getCors() {
		return this.cors;
	}

	/**
	 * Whether any HTTP way into the services is enabled.
	 * @return whether gRPC-Web or JSON transcoding is enabled
	 */
	public boolean isAnyEnabled() {
		return this.grpcWeb.isEnabled() || this.json.isEnabled();
	}

	/**
	 * gRPC-Web ({@code application/grpc-web}, {@code +proto}, {@code -text}).
	 */
	public static class GrpcWeb {

		/**
		 * Whether to serve unary and server-streaming methods over gRPC-Web on the application's
		 * HTTP port.
		 */
		private boolean enabled;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * HTTP/JSON transcoding from {@code google.api.http} method options.
	 */
	public static class Json {

		/**
		 * Whether to serve the methods that carry google.api.http options as HTTP/JSON on the
		 * application's HTTP port.
		 */
		private boolean enabled;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Cross-origin requests to gRPC-Web and JSON endpoints.
	 */
	public static class Cors {

		/**
		 * Origins (e.g. https://app.example.com, or * for any) whose pages may call the services
		 * across origins; empty allows none. Responses expose grpc-status, grpc-message,
		 * grpc-status-details-bin and x-request-id.
		 */
		private List<String> allowedOrigins = new ArrayList<>();

		public List<String> getAllowedOrigins() {
			return this.allowedOrigins;
		}

		public void setAllowedOrigins(List<String> allowedOrigins) {
			this.allowedOrigins = allowedOrigins;
		}

	}

}
