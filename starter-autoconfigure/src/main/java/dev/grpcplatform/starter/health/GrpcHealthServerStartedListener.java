package dev.grpcplatform.starter.health;

import org.springframework.context.ApplicationListener;

import net.devh.boot.grpc.server.event.GrpcServerStartedEvent;

/**
 * Hands every gRPC server that net.devh starts to the {@link GrpcHealthStatusUpdater}.
 */
class GrpcHealthServerStartedListener implements ApplicationListener<GrpcServerStartedEvent> {

	private final GrpcHealthStatusUpdater updater;

	GrpcHealthServerStartedListener(GrpcHealthStatusUpdater updater) {
		this.updater = updater;
	}

	@Override
	public void onApplicationEvent(GrpcServerStartedEvent event) {
		this.updater.registerServer(event.getServer());
	}

}
