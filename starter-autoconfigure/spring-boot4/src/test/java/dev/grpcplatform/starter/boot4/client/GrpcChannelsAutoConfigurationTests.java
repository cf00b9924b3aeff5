package dev.grpcplatform.starter.boot4.client;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import dev.grpcplatform.starter.client.GrpcChannelCustomizer;
import dev.grpcplatform.starter.client.GrpcChannels;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.testing.UnavailableOnceServer;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.grpc.client.autoconfigure.CompositeChannelFactoryAutoConfiguration;
import org.springframework.boot.grpc.client.autoconfigure.GrpcClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link GrpcChannelsAutoConfiguration}.
 */
class GrpcChannelsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GrpcChannelsAutoConfiguration.class, GrpcClientAutoConfiguration.class,
				CompositeChannelFactoryAutoConfiguration.class, SslAutoConfiguration.class));

	@Test
	void channelOfANameIsSpringBootsChannelOfThatNameAndIsKept() {
		int port = RunningGrpcApplication.freePort();
		this.contextRunner.withPropertyValues("spring.grpc.client.channel.billing.target=static://127.0.0.1:" + port)
			.run((context) -> {
				GrpcChannels channels = context.getBean(GrpcChannels.class);
				Channel channel = channels.channel("billing");
				assertThat(channels.channel("billing")).isSameAs(channel);
				assertThat(channel.authority()).isEqualTo("127.0.0.1:" + port);
				assertThatExceptionOfType(StatusRuntimeException.class)
					.isThrownBy(() -> HealthGrpc.newBlockingStub(channel)
						.withDeadlineAfter(30, TimeUnit.SECONDS)
						.check(HealthCheckRequest.getDefaultInstance()))
					.satisfies((ex) -> assertThat(ex.getStatus().getCode().name()).isEqualTo("UNAVAILABLE"));
			});
	}

	@Test
	void userDefinedChannelsWin() {
		GrpcChannels own = (name) -> {
			throw new IllegalStateException(name);
		};
		this.contextRunner.withBean(GrpcChannels.class, () -> own)
			.run((context) -> assertThat(context.getBean(GrpcChannels.class)).isSameAs(own));
	}

	@Test
	void customizerBeanAppliesToTheChannelOfItsName() throws IOException {
		try (UnavailableOnceServer server = UnavailableOnceServer.start()) {
			this.contextRunner.withPropertyValues("spring.grpc.client.channel.billing.target=static://127.0.0.1:" + server.port())
				.withBean(GrpcChannelCustomizer.class, () -> UnavailableOnceServer.retryHealthChecksOf("billing"))
				.run((context) -> assertThat(UnavailableOnceServer.check(context.getBean(GrpcChannels.class).channel("billing")))
					.isEqualTo(ServingStatus.SERVING));
		}
	}

	@Test
	void customizerBeanLeavesChannelsOfOtherNamesAlone() throws IOException {
		try (UnavailableOnceServer server = UnavailableOnceServer.start()) {
			this.contextRunner.withPropertyValues("spring.grpc.client.channel.orders.target=static://127.0.0.1:" + server.port())
				.withBean(GrpcChannelCustomizer.class, () -> UnavailableOnceServer.retryHealthChecksOf("billing"))
				.run((context) -> assertThatExceptionOfType(StatusRuntimeException.class)
					.isThrownBy(() -> UnavailableOnceServer.check(context.getBean(GrpcChannels.class).channel("orders")))
					.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE)));
		}
	}

}
