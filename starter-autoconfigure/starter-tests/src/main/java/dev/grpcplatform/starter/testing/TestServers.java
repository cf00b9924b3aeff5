package dev.grpcplatform.starter.testing;

import dev.grpcplatform.starter.harness.RunningGrpcApplication;

/**
 * The starter's test applications run by the shared {@link RunningGrpcApplication} harness.
 *
 * <p>Security is on as in an application, but {@code platform.testing.v1.EchoService} is public
 * ({@link #PUBLIC_ECHO}) so that tests of other features call it without a token. Security tests
 * close it again with {@link #NO_PUBLIC_METHODS} or their own {@code public-methods}.
 */
public final class TestServers {

	/**
	 * Default property that makes the echo service public.
	 */
	public static final String PUBLIC_ECHO = "platform.grpc.security.public-methods=platform.testing.v1.EchoService/*";

	/**
	 * Property that makes no method public but health and reflection, as in an application.
	 */
	public static final String NO_PUBLIC_METHODS = "platform.grpc.security.public-methods=";

	private TestServers() {
	}

	/**
	 * Returns the properties that point the client channel of the given name at a plaintext server
	 * on a loopback port, for either Boot line: net.devh's {@code grpc.client.<name>.*} and Spring
	 * Boot's {@code spring.grpc.client.channel.<name>.*}.
	 * @param name the channel's name
	 * @param port the server's port
	 * @return the properties ({@code key=value})
	 */
	public static String[] clientChannel(String name, int port) {
		String target = "static://127.0.0.1:" + port;
		return new String[] { "grpc.client." + name + ".address=" + target,
				"grpc.client." + name + ".negotiation-type=plaintext",
				"spring.grpc.client.channel." + name + ".target=" + target };
	}

	/**
	 * Returns the properties that bind the gRPC server to the given port on either Boot line and
	 * point the client channel {@code self} at it, for an application that calls itself.
	 * @param port a free port (see {@link RunningGrpcApplication#freePort()})
	 * @return the properties ({@code key=value})
	 */
	public static String[] calledBySelf(int port) {
		String[] channel = clientChannel("self", port);
		String[] properties = new String[channel.length + 2];
		properties[0] = "grpc.server.port=" + port;
		properties[1] = "spring.grpc.server.port=" + port;
		System.arraycopy(channel, 0, properties, 2, channel.length);
		return properties;
	}

	/**
	 * Starts the {@link TestGrpcApplication} with the given extra properties ({@code key=value}).
	 * @param properties properties added to the defaults
	 * @return the running application
	 */
	public static RunningGrpcApplication start(String... properties) {
		return start(new Class<?>[] { TestGrpcApplication.class }, properties);
	}

	/**
	 * Starts an application from the given sources with the given extra properties.
	 * @param sources configuration classes
	 * @param properties properties added to the defaults
	 * @return the running application
	 */
	public static RunningGrpcApplication start(Class<?>[] sources, String... properties) {
		return RunningGrpcApplication.builder(sources).properties(PUBLIC_ECHO).properties(properties).start();
	}

	/**
	 * Starts an application from the given sources with a web server on a free port as well (for
	 * Actuator endpoints over HTTP), with the given extra properties.
	 * @param sources configuration classes
	 * @param properties properties added to the defaults
	 * @return the running application
	 */
	public static RunningGrpcApplication startWithWebServer(Class<?>[] sources, String... properties) {
		return RunningGrpcApplication.builder(sources)
			.withWebServer()
			.properties(PUBLIC_ECHO)
			.properties(properties)
			.start();
	}

}
