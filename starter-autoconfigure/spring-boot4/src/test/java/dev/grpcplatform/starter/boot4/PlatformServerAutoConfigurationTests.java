package dev.grpcplatform.starter.boot4;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.grpcplatform.starter.internal.GrpcServerLifecycleListener;
import dev.grpcplatform.starter.internal.LocalGrpcPortPublisher;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import io.grpc.Server;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycleEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PlatformServerAutoConfiguration}.
 */
class PlatformServerAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = BootGrpcContextRunners
		.server(PlatformServerAutoConfiguration.class)
		.withBean(EchoGrpcService.class);

	@Test
	void listenersFollowSpringGrpcsServerLifecycle() {
		RecordingListener listener = new RecordingListener();
		this.contextRunner.withBean(RecordingListener.class, () -> listener).run((context) -> {
			assertThat(context).hasSingleBean(SpringGrpcServerLifecycleAdapter.class);
			int port = context.getBean(GrpcServerLifecycle.class).getPort();
			assertThat(port).isPositive();
			assertThat(listener.steps).containsExactly("started:" + port);
			assertThat(context.getEnvironment().getProperty(LocalGrpcPortPublisher.PROPERTY_NAME, Integer.class))
				.isEqualTo(port);
		});
		assertThat(listener.steps).hasSize(3).endsWith("shutdown", "terminated");
	}

	@Test
	void nothingIsRegisteredWithoutSpringGrpc() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(GrpcServerLifecycleEvent.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SpringGrpcServerLifecycleAdapter.class)
				.doesNotHaveBean(LocalGrpcPortPublisher.class));
	}

	static class RecordingListener implements GrpcServerLifecycleListener {

		final List<String> steps = new CopyOnWriteArrayList<>();

		@Override
		public void serverStarted(Server server) {
			this.steps.add("started:" + server.getPort());
		}

		@Override
		public void shutdownStarted(Server server) {
			this.steps.add("shutdown");
		}

		@Override
		public void serverTerminated(Server server) {
			this.steps.add("terminated");
		}

	}

}
