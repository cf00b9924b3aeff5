package dev.grpcplatform.starter.boot3.shutdown;

import java.time.Duration;
import java.util.Set;

import dev.grpcplatform.starter.internal.GrpcServerLifecycleListener;
import dev.grpcplatform.starter.shutdown.GracefulServerShutdown;
import dev.grpcplatform.starter.shutdown.GrpcShutdownProperties;
import dev.grpcplatform.starter.shutdown.InFlightCallTracker;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import net.devh.boot.grpc.server.event.GrpcServerShutdownEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcShutdownAutoConfiguration}.
 */
class GrpcShutdownAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GrpcShutdownAutoConfiguration.class));

	@Test
	void gracefulShutdownAndCallTrackingAreRegisteredByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(InFlightCallTracker.class)
				.hasSingleBean(GracefulServerShutdown.class)
				.hasSingleBean(GrpcServerLifecycleListener.class);
			GrpcShutdownProperties properties = context.getBean(GrpcShutdownProperties.class);
			assertThat(properties.getGracePeriod()).isEqualTo(Duration.ofSeconds(30));
			assertThat(properties.getCloseImmediately()).containsExactly("grpc.health.v1.Health/Watch",
					"grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");
		});
	}

	@Test
	void gracefulShutdownIsRegisteredWhenEnabledExplicitly() {
		this.contextRunner.withPropertyValues("platform.grpc.shutdown.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(GracefulServerShutdown.class));
	}

	@Test
	void nothingIsRegisteredWhenDisabled() {
		this.contextRunner.withPropertyValues("platform.grpc.shutdown.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(InFlightCallTracker.class)
				.doesNotHaveBean(GracefulServerShutdown.class)
				.doesNotHaveBean(GrpcServerLifecycleListener.class));
	}

	@Test
	void nothingIsRegisteredWithoutNetDevhServer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(GrpcServerShutdownEvent.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GracefulServerShutdown.class));
	}

	@Test
	void userBeansWin() {
		InFlightCallTracker tracker = new InFlightCallTracker();
		GracefulServerShutdown shutdown = new GracefulServerShutdown(tracker, Duration.ofSeconds(1), Set.of());
		this.contextRunner.withBean(InFlightCallTracker.class, () -> tracker)
			.withBean(GracefulServerShutdown.class, () -> shutdown)
			.run((context) -> {
				assertThat(context.getBean(InFlightCallTracker.class)).isSameAs(tracker);
				assertThat(context.getBean(GracefulServerShutdown.class)).isSameAs(shutdown);
			});
	}

	@Test
	void settingsAreBound() {
		this.contextRunner
			.withPropertyValues("platform.grpc.shutdown.grace-period=5s",
					"platform.grpc.shutdown.close-immediately=chat.v1.Chat,grpc.health.v1.Health/Watch")
			.run((context) -> {
				GrpcShutdownProperties properties = context.getBean(GrpcShutdownProperties.class);
				assertThat(properties.getGracePeriod()).isEqualTo(Duration.ofSeconds(5));
				assertThat(properties.getCloseImmediately()).containsExactly("chat.v1.Chat",
						"grpc.health.v1.Health/Watch");
			});
	}

	@Test
	void negativeGracePeriodFailsStartup() {
		this.contextRunner.withPropertyValues("platform.grpc.shutdown.grace-period=-1s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("grace-period must not be negative"));
	}

	@Test
	void gracePeriodThatIsNotADurationFailsStartup() {
		this.contextRunner.withPropertyValues("platform.grpc.shutdown.grace-period=soon")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("Failed to bind properties under 'platform.grpc.shutdown.grace-period'")
				.hasRootCauseMessage("'soon' is not a valid duration"));
	}

}
