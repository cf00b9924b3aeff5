package dev.grpcplatform.starter.boot4;

import dev.grpcplatform.starter.internal.GrpcServerLifecycleListeners;

import org.springframework.context.ApplicationListener;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycleEvent;
import org.springframework.grpc.server.lifecycle.GrpcServerShutdownEvent;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;
import org.springframework.grpc.server.lifecycle.GrpcServerTerminatedEvent;

/**
 * The one adapter from spring-grpc's server lifecycle events to the platform's
 * {@link dev.grpcplatform.starter.internal.GrpcServerLifecycleListener listeners}.
 *
 * <p>spring-grpc's {@code GrpcServerLifecycle} publishes {@link GrpcServerShutdownEvent} on the
 * stopping thread right before its own {@code shutdown()},
 * {@code awaitTermination(spring.grpc.server.shutdown.grace-period)} and {@code shutdownNow()}; the
 * platform's graceful shutdown runs its whole sequence within that event, which leaves those steps
 * nothing to do. Every server lifecycle publishes these events (the network server, an in-process
 * server named by {@code spring.grpc.server.inprocess.name}, the test slice's in-process server).
 */
final class SpringGrpcServerLifecycleAdapter implements ApplicationListener<GrpcServerLifecycleEvent> {

	private final GrpcServerLifecycleListeners listeners;

	SpringGrpcServerLifecycleAdapter(GrpcServerLifecycleListeners listeners) {
		this.listeners = listeners;
	}

	@Override
	public void onApplicationEvent(GrpcServerLifecycleEvent event) {
		if (event instanceof GrpcServerStartedEvent) {
			this.listeners.serverStarted(event.getServer());
		}
		else if (event instanceof GrpcServerShutdownEvent) {
			this.listeners.shutdownStarted(event.getServer());
		}
		else if (event instanceof GrpcServerTerminatedEvent) {
			this.listeners.serverTerminated(event.getServer());
		}
	}

}
