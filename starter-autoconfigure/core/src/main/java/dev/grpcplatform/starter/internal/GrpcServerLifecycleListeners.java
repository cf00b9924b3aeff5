package dev.grpcplatform.starter.internal;

import io.grpc.Server;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Hands each server lifecycle step to every {@link GrpcServerLifecycleListener} bean, in order; the
 * one object an edge's lifecycle adapter calls.
 */
public final class GrpcServerLifecycleListeners {

	private final ObjectProvider<GrpcServerLifecycleListener> listeners;

	/**
	 * Creates a dispatcher to the given listeners.
	 * @param listeners the listener beans, resolved at each step
	 */
	public GrpcServerLifecycleListeners(ObjectProvider<GrpcServerLifecycleListener> listeners) {
		this.listeners = listeners;
	}

	/**
	 * Tells every listener that the server started.
	 * @param server the started server
	 */
	public void serverStarted(Server server) {
		this.listeners.orderedStream().forEach((listener) -> listener.serverStarted(server));
	}

	/**
	 * Tells every listener that shutdown of the server begins.
	 * @param server the server being stopped
	 */
	public void shutdownStarted(Server server) {
		this.listeners.orderedStream().forEach((listener) -> listener.shutdownStarted(server));
	}

	/**
	 * Tells every listener that the server terminated.
	 * @param server the terminated server
	 */
	public void serverTerminated(Server server) {
		this.listeners.orderedStream().forEach((listener) -> listener.serverTerminated(server));
	}

}
