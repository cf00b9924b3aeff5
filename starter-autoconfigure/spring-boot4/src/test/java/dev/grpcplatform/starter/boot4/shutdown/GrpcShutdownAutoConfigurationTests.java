package dev.grpcplatform.starter.boot4.shutdown;

import dev.grpcplatform.starter.boot4.BootGrpcContextRunners;
import dev.grpcplatform.starter.boot4.PlatformServerAutoConfiguration;
import dev.grpcplatform.starter.shutdown.GracefulServerShutdown;
import dev.grpcplatform.starter.shutdown.InFlightCallTracker;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import io.grpc.Server;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcShutdownAutoConfiguration}.
 */
class GrpcShutdownAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = BootGrpcContextRunners
		.server(GrpcShutdownAutoConfiguration.class, PlatformServerAutoConfiguration.class)
		.withBean(EchoGrpcService.class);

	@Test
	void platformShutdownRunsWhenSpringGrpcStopsTheServer() {
		RecordingShutdown shutdown = new RecordingShutdown();
		this.contextRunner.withBean(GracefulServerShutdown.class, () -> shutdown).run((context) -> {
			assertThat(context.getBeanNamesForAnnotation(GlobalServerInterceptor.class))
				.contains("grpcInFlightCallTracker");
			assertThat(context.getBean(GrpcServerLifecycle.class).isRunning()).isTrue();
			assertThat(shutdown.stopped).isNull();
		});
		assertThat(shutdown.stopped).isNotNull();
		assertThat(shutdown.stopped.isShutdown()).isTrue();
	}

	@Test
	void enabledExplicitlyTracksCalls() {
		this.contextRunner.withPropertyValues("platform.grpc.shutdown.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(InFlightCallTracker.class)
				.hasSingleBean(GracefulServerShutdown.class));
	}

	@Test
	void disabledLeavesShutdownToSpringGrpc() {
		this.contextRunner.withPropertyValues("platform.grpc.shutdown.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(InFlightCallTracker.class)
				.doesNotHaveBean(GracefulServerShutdown.class));
	}

	@Test
	void nothingIsRegisteredWithoutSpringGrpc() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(GlobalServerInterceptor.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GracefulServerShutdown.class));
	}

	static class RecordingShutdown extends GracefulServerShutdown {

		volatile Server stopped;

		RecordingShutdown() {
			super(new InFlightCallTracker(), java.time.Duration.ofSeconds(1), java.util.Set.of());
		}

		@Override
		public void shutdownStarted(Server server) {
			super.shutdownStarted(server);
			this.stopped = server;
		}

	}

}
