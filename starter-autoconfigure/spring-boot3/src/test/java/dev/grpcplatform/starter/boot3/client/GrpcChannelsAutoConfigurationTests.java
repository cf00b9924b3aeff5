package dev.grpcplatform.starter.boot3.client;

import dev.grpcplatform.starter.client.GrpcChannels;
import io.grpc.Channel;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import net.devh.boot.grpc.client.autoconfigure.GrpcClientAutoConfiguration;
import net.devh.boot.grpc.client.channelfactory.GrpcChannelFactory;

import static org.assertj.core.api.Assertions.assertThat;

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

}
