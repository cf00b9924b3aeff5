package dev.grpcplatform.starter.boot4.limits;

import dev.grpcplatform.starter.boot4.BootGrpcContextRunners;
import dev.grpcplatform.starter.boot4.PlatformServerBuilderCustomizer;
import dev.grpcplatform.starter.limits.GrpcDeadlinePolicy;
import dev.grpcplatform.starter.limits.GrpcLimitsProperties;
import dev.grpcplatform.starter.limits.GrpcServerExecutor;
import dev.grpcplatform.starter.limits.GrpcServerLimits;
import dev.grpcplatform.starter.limits.MalformedRequestGuard;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import io.grpc.ServerBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.grpc.server.ServerBuilderCustomizer;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * Tests for {@link GrpcLimitsAutoConfiguration}.
 */
class GrpcLimitsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = BootGrpcContextRunners
		.server(GrpcLimitsAutoConfiguration.class)
		.withBean(EchoGrpcService.class);

	@Test
	void limitsAndExecutorReachSpringBootsShadedNettyServer() {
		this.contextRunner.withPropertyValues("platform.grpc.limits.max-inbound-message-size=1KB").run((context) -> {
			assertThat(context).hasSingleBean(GrpcServerLimits.class).hasSingleBean(GrpcServerExecutor.class);
			assertThat(context.getBean(GrpcServerLifecycle.class).isRunning()).isTrue();
			NettyServerBuilder builder = mock(NettyServerBuilder.class);
			customize(context.getBean("grpcServerLimitsCustomizer", PlatformServerBuilderCustomizer.class), builder);
			verify(builder).maxInboundMessageSize(1024);
			verify(builder).executor(context.getBean(GrpcServerExecutor.class).getExecutor());
			verify(builder).maxConcurrentCallsPerConnection(anyInt());
		});
	}

	@Test
	void limitsReachInProcessServersToo() {
		this.contextRunner.run((context) -> {
			InProcessServerBuilder builder = mock(InProcessServerBuilder.class);
			customize(context.getBean("grpcServerLimitsCustomizer", PlatformServerBuilderCustomizer.class), builder);
			verify(builder).executor(context.getBean(GrpcServerExecutor.class).getExecutor());
		});
	}

	@Test
	void enabledExplicitlyAppliesLimits() {
		this.contextRunner.withPropertyValues("platform.grpc.limits.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(GrpcServerLimits.class));
	}

	@Test
	void disabledAppliesNothing() {
		this.contextRunner.withPropertyValues("platform.grpc.limits.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(GrpcServerLimits.class)
				.doesNotHaveBean(PlatformServerBuilderCustomizer.class));
	}

	@Test
	void nothingIsRegisteredWithoutTheShadedTransport() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(NettyServerBuilder.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcServerLimits.class));
	}

	@Test
	void userExecutorWins() {
		GrpcServerExecutor user = GrpcServerExecutor.of(Runnable::run);
		this.contextRunner.withBean(GrpcServerExecutor.class, () -> user)
			.run((context) -> assertThat(context.getBean(GrpcServerExecutor.class)).isSameAs(user));
	}

	@Test
	void malformedRequestGuardAndDeadlinePolicyReachTheServerBuilder() {
		this.contextRunner.run((context) -> {
			NettyServerBuilder builder = mock(NettyServerBuilder.class);
			customize(context.getBean("grpcServerRequestPoliciesCustomizer", PlatformServerBuilderCustomizer.class),
					builder);
			verify(builder).setBinaryLog(context.getBean(MalformedRequestGuard.class));
			verify(builder).intercept(context.getBean(GrpcDeadlinePolicy.class));
		});
	}

	@Test
	void userDeadlinePolicyAndGuardWin() {
		GrpcDeadlinePolicy policy = new GrpcDeadlinePolicy(new GrpcLimitsProperties());
		MalformedRequestGuard guard = new MalformedRequestGuard();
		this.contextRunner.withBean(GrpcDeadlinePolicy.class, () -> policy)
			.withBean(MalformedRequestGuard.class, () -> guard)
			.run((context) -> {
				assertThat(context.getBean(GrpcDeadlinePolicy.class)).isSameAs(policy);
				assertThat(context.getBean(MalformedRequestGuard.class)).isSameAs(guard);
			});
	}

	@Test
	void zeroMaximumDeadlineFailsWithAClearMessage() {
		this.contextRunner.withPropertyValues("platform.grpc.limits.max-deadline=0s")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("platform.grpc.limits.max-deadline must be positive"));
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static void customize(ServerBuilderCustomizer customizer, ServerBuilder<?> builder) {
		customizer.customize(builder);
	}

}
