package dev.grpcplatform.starter.boot3.limits;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;

import dev.grpcplatform.starter.limits.GrpcDeadlinePolicy;
import dev.grpcplatform.starter.limits.GrpcLimitsProperties;
import dev.grpcplatform.starter.limits.GrpcServerExecutor;
import dev.grpcplatform.starter.limits.GrpcServerLimits;
import dev.grpcplatform.starter.limits.MalformedRequestGuard;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * Tests for {@link GrpcLimitsAutoConfiguration}.
 */
class GrpcLimitsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GrpcLimitsAutoConfiguration.class));

	@Test
	void limitsAndBoundedExecutorAreConfiguredByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(GrpcServerLimits.class)
				.hasSingleBean(MalformedRequestGuard.class)
				.hasSingleBean(GrpcDeadlinePolicy.class);
			assertThat(context.getBeansOfType(GrpcServerConfigurer.class)).containsOnlyKeys("grpcServerLimitsConfigurer",
					"grpcServerRequestPoliciesConfigurer");
			GrpcLimitsProperties properties = context.getBean(GrpcLimitsProperties.class);
			assertThat(properties.getMaxInboundMessageSize().toMegabytes()).isEqualTo(4);
			Executor executor = context.getBean(GrpcServerExecutor.class).getExecutor();
			assertThat(executor).isInstanceOfSatisfying(ThreadPoolExecutor.class,
					(pool) -> assertThat(pool.getMaximumPoolSize()).isEqualTo(200));
		});
	}

	@Test
	void executorSizeFollowsProperty() {
		this.contextRunner.withPropertyValues("platform.grpc.limits.executor.max-threads=7")
			.run((context) -> assertThat(context.getBean(GrpcServerExecutor.class).getExecutor())
				.isInstanceOfSatisfying(ThreadPoolExecutor.class,
						(pool) -> assertThat(pool.getMaximumPoolSize()).isEqualTo(7)));
	}

	@Test
	void executorIsNotAnExecutorBeanSoSpringBootKeepsItsOwnTaskExecutor() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(Executor.class));
	}

	@Test
	void virtualThreadPropertyOnJava17KeepsPlatformThreads() {
		this.contextRunner.withPropertyValues("spring.threads.virtual.enabled=true").run((context) -> {
			Executor executor = context.getBean(GrpcServerExecutor.class).getExecutor();
			if (Runtime.version().feature() >= 21) {
				assertThat(executor).isNotInstanceOf(ThreadPoolExecutor.class);
				Thread[] ran = new Thread[1];
				java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
				executor.execute(() -> {
					ran[0] = Thread.currentThread();
					done.countDown();
				});
				done.await();
				assertThat(ran[0].toString()).contains("Virtual");
			}
			else {
				assertThat(executor).isInstanceOf(ThreadPoolExecutor.class);
			}
		});
	}

	@Test
	void malformedRequestGuardAndDeadlinePolicyReachTheServerBuilder() {
		this.contextRunner.run((context) -> {
			NettyServerBuilder builder = mock(NettyServerBuilder.class);
			context.getBean("grpcServerRequestPoliciesConfigurer", GrpcServerConfigurer.class).accept(builder);
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

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("platform.grpc.limits.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcServerLimits.class)
				.doesNotHaveBean(GrpcServerExecutor.class)
				.doesNotHaveBean(GrpcServerConfigurer.class)
				.doesNotHaveBean(MalformedRequestGuard.class)
				.doesNotHaveBean(GrpcDeadlinePolicy.class));
	}

	@Test
	void backsOffWithoutNetDevh() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(GrpcServerConfigurer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcServerLimits.class));
	}

	@Test
	void userExecutorWins() {
		Executor direct = Runnable::run;
		this.contextRunner.withBean(GrpcServerExecutor.class, () -> GrpcServerExecutor.of(direct))
			.run((context) -> {
				assertThat(context).hasSingleBean(GrpcServerExecutor.class);
				assertThat(context.getBean(GrpcServerExecutor.class).getExecutor())
					.isNotInstanceOf(ThreadPoolExecutor.class);
			});
	}

	@Test
	void userLimitsWin() {
		GrpcLimitsProperties custom = new GrpcLimitsProperties();
		this.contextRunner
			.withBean(GrpcServerLimits.class, () -> new GrpcServerLimits(custom, GrpcServerExecutor.of(Runnable::run)))
			.run((context) -> assertThat(context.getBean(GrpcServerLimits.class)).isNotNull()
				.satisfies((limits) -> assertThat(context).hasSingleBean(GrpcServerLimits.class)));
	}

	@Test
	void nonPositiveExecutorSizeFailsWithAClearMessage() {
		this.contextRunner.withPropertyValues("platform.grpc.limits.executor.max-threads=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("platform.grpc.limits.executor.max-threads must be positive"));
	}

	@Test
	void oversizedMessageLimitFailsWithAClearMessage() {
		this.contextRunner.withPropertyValues("platform.grpc.limits.max-inbound-message-size=3GB")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("max-inbound-message-size must be between"));
	}

}
