package dev.grpcplatform.starter.boot3;

import dev.grpcplatform.starter.internal.GrpcServerLifecycleListeners;

import org.springframework.context.ApplicationListener;

import net.devh.boot.grpc.server.event.GrpcServerLifecycleEvent;
import net.devh.boot.grpc.server.event.GrpcServerShutdownEvent;
import net.devh.boot.grpc.server.event.GrpcServerStartedEvent;
import net.devh.boot.grpc.server.event.GrpcServerTerminatedEvent;

/**
 * The one adapter from net.devh's server lifecycle events to the platform's
 * {@link dev.grpcplatform.starter.internal.GrpcServerLifecycleListener listeners}.
 *
 * <p>net.devh publishes {@link GrpcServerShutdownEvent} on the stopping thread right before its own
 * {@code shutdown()}, {@code awaitTermination(grpc.server.shutdown-grace-period)} and
 * {@code shutdownNow()}; the platform's graceful shutdown runs its whole sequence within that event,
 * which leaves those steps nothing to do.
 */
final class NetDevhServerLifecycleAdapter implements ApplicationListener<GrpcServerLifecycleEvent> {

	private final GrpcServerLifecycleListeners listeners;

	NetDevhServerLifecycleAdapter(GrpcServerLifecycleListeners listeners) {
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
