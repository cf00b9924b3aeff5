package dev.grpcplatform.starter.web;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import dev.grpcplatform.starter.limits.GrpcLimitsProperties;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.env.Environment;

/**
 * Servlet filter that serves gRPC-Web and HTTP/JSON transcoding on the application's web server:
 * each request it recognizes becomes a gRPC call through {@link GrpcHttpBridge} (the same
 * interceptors and stream tracers as calls on the network), every other request goes on down the
 * filter chain to the application's own controllers. Register it for the {@code REQUEST}
 * dispatcher type only.
 *
 * <p>gRPC-Web requests are recognized by their content type ({@code application/grpc-web...}) on
 * the path {@code /package.Service/Method}; JSON requests by a {@code google.api.http} rule whose
 * template matches the path. Registered by the edges, asynchronous-capable.
 */
public final class GrpcHttpFilter extends HttpFilter {

	private static final long serialVersionUID = 1L;

	/**
	 * Order of the filter's registration: before Spring Security's filter chain (-100), because
	 * each call is authenticated by the platform's gRPC security as on the network.
	 */
	public static final int ORDER = -110;

	private static final List<String> EXPOSED_HEADERS = List.of("grpc-status", "grpc-message",
			"grpc-status-details-bin", "x-request-id");

	private final transient GrpcHttpProperties properties;

	private final transient GrpcHttpBridge bridge;

	private final transient HttpLimits limits;

	private transient volatile @Nullable JsonTranscoding transcoding;

	private transient volatile GrpcHttpBridge.@Nullable State transcodingOf;

	/**
	 * Creates the filter.
	 * @param properties what is enabled and the allowed origins
	 * @param bridge the in-process bridge to the services
	 * @param maxMessageSize largest request message in bytes, as the gRPC server's limit
	 * @param maxMetadataSize largest request metadata in bytes, as the gRPC server's limit
	 */
	public GrpcHttpFilter(GrpcHttpProperties properties, GrpcHttpBridge bridge, long maxMessageSize,
			long maxMetadataSize) {
		this.properties = properties;
		this.bridge = bridge;
		this.limits = new HttpLimits(maxMessageSize, maxMetadataSize);
	}

	/**
	 * Creates the filter's registration for the application's servlet web server, after checking
	 * that the management server has a port of its own.
	 * @param properties what is enabled and the allowed origins
	 * @param bridge the in-process bridge to the services
	 * @param limits the gRPC server's message and metadata limits
	 * @param environment the application's environment
	 * @return the registration (request dispatches only, asynchronous, at {@link #ORDER})
	 */
	public static FilterRegistrationBean<GrpcHttpFilter> registration(GrpcHttpProperties properties,
			GrpcHttpBridge bridge, GrpcLimitsProperties limits, Environment environment) {
		checkManagementPort(properties, environment);
		GrpcHttpFilter filter = new GrpcHttpFilter(properties, bridge, limits.getMaxInboundMessageSize().toBytes(),
				limits.getMaxInboundMetadataSize().toBytes());
		FilterRegistrationBean<GrpcHttpFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setName("grpcPlatformHttpFilter");
		registration.setDispatcherTypes(DispatcherType.REQUEST);
		registration.setAsyncSupported(true);
		registration.setOrder(ORDER);
		return registration;
	}

	/**
	 * Fails when gRPC-Web or JSON is enabled while the management server shares the application's
	 * HTTP port: Actuator endpoints and the services must not be reachable on one port.
	 * @param properties the HTTP properties
	 * @param environment the application's environment
	 * @throws InvalidConfigurationPropertyValueException when {@code management.server.port} is not
	 * set to a port of its own
	 */
	public static void checkManagementPort(GrpcHttpProperties properties, Environment environment) {
		if (!properties.isAnyEnabled()) {
			return;
		}
		String management = environment.getProperty("management.server.port");
		String server = environment.getProperty("server.port", "8080");
		if (management == null || management.isBlank()
				|| (management.trim().equals(server.trim()) && !"0".equals(management.trim()))) {
			throw new InvalidConfigurationPropertyValueException("management.server.port", management,
					"platform.grpc.http.grpc-web.enabled or platform.grpc.http.json.enabled serves the gRPC services on "
							+ "the application's HTTP port (server.port), so Actuator must listen on a port of its "
							+ "own: set management.server.port to another port (or -1 to turn Actuator's HTTP off)");
		}
	}

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		boolean preflight = "OPTIONS".equals(request.getMethod())
				&& request.getHeader("Access-Control-Request-Method") != null && request.getHeader("Origin") != null;
		String verb = preflight ? request.getHeader("Access-Control-Request-Method").toUpperCase(Locale.ROOT)
				: request.getMethod();
		GrpcHttpBridge.State state = this.bridge.state();
		Route route = grpcWebRoute(request, path, verb, state);
		JsonTranscoding.Match jsonMatch = (route != Route.GRPC_WEB) ? jsonMatch(verb, path, state) : null;
		if (jsonMatch != null) {
			route = Route.JSON;
		}
		if (route == Route.NONE) {
			chain.doFilter(request, response);
			return;
		}
		if (!cors(request, response, preflight, route)) {
			return;
		}
		if (preflight) {
			response.setStatus(204);
			return;
		}
		if (state == null) {
			response.setHeader("Retry-After", "1");
			response.sendError(503, "The gRPC server is not running");
			return;
		}
		if (route == Route.GRPC_WEB) {
			GrpcWebCall.serve(request, response, state, path.substring(1), this.limits);
		}
		else if (route == Route.GRPC_WEB_WRONG_TYPE) {
			response.sendError(415, "Unsupported content type '" + request.getContentType()
					+ "' for a gRPC method: gRPC-Web uses application/grpc-web, application/grpc-web+proto or "
					+ "application/grpc-web-text");
		}
		else {
			transcoding(state).serve(request, response, state, jsonMatch, this.limits);
		}
	}

	/**
	 * Decides whether gRPC-Web serves a request: {@link Route#GRPC_WEB}, {@link Route#GRPC_WEB_WRONG_TYPE}
	 * for a POST to a served method without a gRPC-Web content type (unless a JSON binding takes it), or
	 * {@link Route#NONE}.
	 */
	private Route grpcWebRoute(HttpServletRequest request, String path, String verb,
			GrpcHttpBridge.@Nullable State state) {
		if (!this.properties.getGrpcWeb().isEnabled()) {
			return Route.NONE;
		}
		if (GrpcWebCall.isGrpcWeb(request.getContentType()) && isMethodPath(path)) {
			return Route.GRPC_WEB;
		}
		boolean servedMethod = state != null && path.length() > 1 && state.methods().containsKey(path.substring(1));
		if (servedMethod && "POST".equals(verb)) {
			// A browser's preflight carries no content type: a served gRPC method is enough.
			return "OPTIONS".equals(request.getMethod()) ? Route.GRPC_WEB : Route.GRPC_WEB_WRONG_TYPE;
		}
		return Route.NONE;
	}

	private JsonTranscoding.@Nullable Match jsonMatch(String verb, String path, GrpcHttpBridge.@Nullable State state) {
		return (this.properties.getJson().isEnabled() && state != null) ? transcoding(state).match(verb, path) : null;
	}

	private static boolean isMethodPath(String path) {
		int slash = path.indexOf('/', 1);
		return path.length() > 3 && slash > 1 && slash < path.length() - 1 && path.indexOf('/', slash + 1) < 0;
	}

	private JsonTranscoding transcoding(GrpcHttpBridge.State state) {
		JsonTranscoding transcoding = this.transcoding;
		if (transcoding == null || this.transcodingOf != state) {
			synchronized (this) {
				transcoding = JsonTranscoding.of(state.services());
				this.transcoding = transcoding;
				this.transcodingOf = state;
			}
		}
		return transcoding;
	}

	/**
	 * Applies CORS: a cross-origin request from an origin that is not allowed is refused with 403.
	 * @return whether to go on with the request
	 */
	private boolean cors(HttpServletRequest request, HttpServletResponse response, boolean preflight, Route route)
			throws IOException {
		String origin = request.getHeader("Origin");
		if (origin == null || (!preflight && isSameOrigin(request, origin))) {
			return true;
		}
		List<String> allowed = this.properties.getCors().getAllowedOrigins();
		if (!allowed.contains("*") && !allowed.contains(origin)) {
			response.setStatus(403);
			response.setContentType("text/plain");
			response.getWriter().write("Cross-origin request from an origin that is not allowed "
					+ "(platform.grpc.http.cors.allowed-origins)");
			return false;
		}
		response.setHeader("Access-Control-Allow-Origin", origin);
		response.addHeader("Vary", "Origin");
		if (preflight) {
			response.setHeader("Access-Control-Allow-Methods",
					(route == Route.JSON) ? request.getHeader("Access-Control-Request-Method") : "POST");
			String headers = request.getHeader("Access-Control-Request-Headers");
			if (headers != null) {
				response.setHeader("Access-Control-Allow-Headers", headers);
			}
			response.setHeader("Access-Control-Max-Age", "1800");
		}
		else {
			response.setHeader("Access-Control-Expose-Headers", String.join(", ", EXPOSED_HEADERS));
		}
		return true;
	}

	private static boolean isSameOrigin(HttpServletRequest request, String origin) {
		int port = request.getServerPort();
		String scheme = request.getScheme();
		boolean defaultPort = ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
		String self = scheme + "://" + request.getServerName() + (defaultPort ? "" : ":" + port);
		return self.equalsIgnoreCase(origin);
	}

	private enum Route {

		NONE, GRPC_WEB, GRPC_WEB_WRONG_TYPE, JSON

	}

}
