package dev.grpcplatform.starter.validation;

import org.springframework.context.ApplicationListener;

import net.devh.boot.grpc.server.event.GrpcServerStartedEvent;

/**
 * Warms the validator up for the services of the gRPC server once it has started.
 */
final class ValidatorWarmUpListener implements ApplicationListener<GrpcServerStartedEvent> {

	private final ValidatorWarmUp warmUp;

	ValidatorWarmUpListener(ValidatorWarmUp warmUp) {
		this.warmUp = warmUp;
	}

	@Override
	public void onApplicationEvent(GrpcServerStartedEvent event) {
		this.warmUp.warmUp(event.getServer().getServices());
	}

}
