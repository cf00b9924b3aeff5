package dev.grpcplatform.starter.boot3.client;

import java.io.IOException;

import dev.grpcplatform.starter.client.GrpcChannelCustomizer;
import dev.grpcplatform.starter.client.GrpcChannels;
import dev.grpcplatform.starter.testing.UnavailableOnceServer;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import net.devh.boot.grpc.client.autoconfigure.GrpcClientAutoConfiguration;
import net.devh.boot.grpc.client.channelfactory.GrpcChannelFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link GrpcChannelsAutoConfiguration}.
 */
class GrpcChannelsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GrpcChannelsAutoConfiguration.class, GrpcClientAutoConfiguration.class));

	@Test
	void channelOfANameIsNetDevhsChannelOfThatName() {
		this.contextRunner.withPropertyValues("grpc.client.billing.address=static://127.0.0.1:1")
			.run((context) -> {
				GrpcChannels channels = context.getBean(GrpcChannels.class);
				Channel channel = channels.channel("billing");
				assertThat(channels.channel("billing")).isSameAs(channel);
				assertThat(channel.authority()).isEqualTo("127.0.0.1:1");
			});
	}

	@Test
	void nothingWithoutNetDevhsClient() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(GrpcChannelFactory.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcChannels.class));
	}

	@Test
	void customizerBeanAppliesToTheChannelOfItsName() throws IOException {
		try (UnavailableOnceServer server = UnavailableOnceServer.start()) {
			this.contextRunner
				.withPropertyValues("grpc.client.billing.address=static://127.0.0.1:" + server.port(),
						"grpc.client.billing.negotiation-type=plaintext")
				.withBean(GrpcChannelCustomizer.class, () -> UnavailableOnceServer.retryHealthChecksOf("billing"))
				.run((context) -> assertThat(UnavailableOnceServer.check(context.getBean(GrpcChannels.class).channel("billing")))
					.isEqualTo(ServingStatus.SERVING));
		}
	}

	@Test
	void customizerBeanLeavesChannelsOfOtherNamesAlone() throws IOException {
		try (UnavailableOnceServer server = UnavailableOnceServer.start()) {
			this.contextRunner
				.withPropertyValues("grpc.client.orders.address=static://127.0.0.1:" + server.port(),
						"grpc.client.orders.negotiation-type=plaintext")
				.withBean(GrpcChannelCustomizer.class, () -> UnavailableOnceServer.retryHealthChecksOf("billing"))
				.run((context) -> assertThatExceptionOfType(StatusRuntimeException.class)
					.isThrownBy(() -> UnavailableOnceServer.check(context.getBean(GrpcChannels.class).channel("orders")))
					.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE)));
		}
	}

}
