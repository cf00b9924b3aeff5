package dev.grpcplatform.starter.internal;

import io.grpc.Server;

/**
 * What the platform's features need to know of a gRPC server's life, told by the edge of the Boot
 * line in use: each edge adapts its framework's server lifecycle to this one interface, once.
 *
 * <p>Implemented by beans; {@link GrpcServerLifecycleListeners} calls them in their
 * {@link org.springframework.core.annotation.Order order}. Every method is called on the thread that
 * starts or stops the server; {@link #shutdownStarted} may block until the server is drained.
 */
public interface GrpcServerLifecycleListener {

	/**
	 * Called once the server is bound and serving.
	 * @param server the started server, with its port and services
	 */
	default void serverStarted(Server server) {
	}

	/**
	 * Called when shutdown begins, before the framework's own {@code shutdown()}.
	 * @param server the server being stopped
	 */
	default void shutdownStarted(Server server) {
	}

	/**
	 * Called once the server has terminated.
	 * @param server the terminated server
	 */
	default void serverTerminated(Server server) {
	}

}
