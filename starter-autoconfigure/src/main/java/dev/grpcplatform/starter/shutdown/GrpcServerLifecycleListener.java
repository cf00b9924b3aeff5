package dev.grpcplatform.starter.shutdown;

import org.springframework.context.ApplicationListener;

import net.devh.boot.grpc.server.event.GrpcServerLifecycleEvent;
import net.devh.boot.grpc.server.event.GrpcServerShutdownEvent;
import net.devh.boot.grpc.server.event.GrpcServerStartedEvent;

/**
 * Runs the {@link GracefulServerShutdown} from net.devh's server lifecycle events.
 *
 * <p>net.devh publishes {@link GrpcServerShutdownEvent} on the stopping thread right before its own
 * {@code shutdown()}, {@code awaitTermination(grpc.server.shutdown-grace-period)} and
 * {@code shutdownNow()}; running the whole sequence here leaves those steps nothing to do.
 */
class GrpcServerLifecycleListener implements ApplicationListener<GrpcServerLifecycleEvent> {

	private final GracefulServerShutdown shutdown;

	GrpcServerLifecycleListener(GracefulServerShutdown shutdown) {
		this.shutdown = shutdown;
	}

	@Override
	public void onApplicationEvent(GrpcServerLifecycleEvent event) {
		if (event instanceof GrpcServerStartedEvent) {
			this.shutdown.serverStarted(event.getServer());
		}
		else if (event instanceof GrpcServerShutdownEvent) {
			this.shutdown.shutdown(event.getServer());
		}
	}

}
