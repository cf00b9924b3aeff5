package dev.grpcplatform.starter.boot4;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.grpcplatform.starter.internal.GrpcServerLifecycleListener;
import dev.grpcplatform.starter.internal.LocalGrpcPortPublisher;
import dev.grpcplatform.starter.server.GlobalGrpcServerInterceptor;
import dev.grpcplatform.starter.server.GrpcServerBuilderCustomizer;
import dev.grpcplatform.starter.testing.ServerHooks;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoResponse;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.server.GlobalServerInterceptor;
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

	@Test
	void platformGlobalInterceptorsRunOnEveryCallInOrderAmongSpringBootsOwn() {
		this.contextRunner.withUserConfiguration(OrderedInterceptors.class).run((context) -> {
			int port = context.getEnvironment().getRequiredProperty(LocalGrpcPortPublisher.PROPERTY_NAME, Integer.class);
			ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
			try {
				EchoResponse response = EchoServiceGrpc.newBlockingStub(channel)
					.withDeadlineAfter(10, TimeUnit.SECONDS)
					.echo(EchoRequest.newBuilder().setText("hi").build());
				assertThat(response.getText()).isEqualTo("hi");
			}
			finally {
				channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
			}
			assertThat(context.getBean(OrderedInterceptors.class).seen).containsExactly("platform-1", "spring-2",
					"platform-3", "both-4");
		});
	}

	@Test
	void markedBeanThatIsNoInterceptorStopsStartupWithItsName() {
		this.contextRunner.withUserConfiguration(NotAnInterceptor.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("'notAnInterceptor'")
				.hasMessageContaining("not an io.grpc.ServerInterceptor"));
	}

	@Test
	void platformServerBuilderCustomizersCustomizeSpringBootsServerInOrder() {
		List<String> customized = new CopyOnWriteArrayList<>();
		this.contextRunner
			.withBean("second", GrpcServerBuilderCustomizer.class,
					() -> ServerHooks.recordingCustomizer("second", 2, customized))
			.withBean("first", GrpcServerBuilderCustomizer.class,
					() -> ServerHooks.recordingCustomizer("first", 1, customized))
			.run((context) -> {
				String type = NettyServerBuilder.class.getName();
				assertThat(customized).containsExactly("first:" + type, "second:" + type);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderedInterceptors {

		final List<String> seen = new CopyOnWriteArrayList<>();

		@Bean
		@GlobalGrpcServerInterceptor
		@Order(3)
		ServerInterceptor platformThird() {
			return recording("platform-3");
		}

		@Bean
		@GlobalServerInterceptor
		@Order(2)
		ServerInterceptor springSecond() {
			return recording("spring-2");
		}

		@Bean
		@GlobalGrpcServerInterceptor
		@Order(1)
		ServerInterceptor platformFirst() {
			return recording("platform-1");
		}

		@Bean
		@GlobalGrpcServerInterceptor
		@GlobalServerInterceptor
		@Order(4)
		ServerInterceptor bothFourth() {
			return recording("both-4");
		}

		private ServerInterceptor recording(String name) {
			return ServerHooks.recordingInterceptor(name, this.seen);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NotAnInterceptor {

		@Bean
		@GlobalGrpcServerInterceptor
		String notAnInterceptor() {
			return "oops";
		}

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
