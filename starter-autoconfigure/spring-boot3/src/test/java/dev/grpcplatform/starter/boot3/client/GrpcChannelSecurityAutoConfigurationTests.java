package dev.grpcplatform.starter.boot3.client;

import java.nio.file.Path;

import dev.grpcplatform.starter.client.BearerTokenClientInterceptor;
import dev.grpcplatform.starter.client.GrpcChannelSecurity;
import dev.grpcplatform.starter.client.GrpcClientProperties;
import dev.grpcplatform.starter.testing.TestCertificates;
import io.grpc.inprocess.InProcessChannelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import net.devh.boot.grpc.client.channelfactory.GrpcChannelConfigurer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link GrpcChannelSecurityAutoConfiguration}.
 */
class GrpcChannelSecurityAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(GrpcChannelSecurityAutoConfiguration.class, SslAutoConfiguration.class));

	@TempDir
	static Path directory;

	@Test
	void channelConfigurerIsRegisteredByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(GrpcChannelSecurity.class);
			assertThat(context).hasSingleBean(GrpcChannelConfigurer.class);
		});
	}

	@Test
	void channelConfigurerIsRegisteredWhenEnabled() {
		this.contextRunner.withPropertyValues("platform.grpc.client.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(GrpcChannelConfigurer.class));
	}

	@Test
	void nothingIsRegisteredWhenDisabled() {
		this.contextRunner.withPropertyValues("platform.grpc.client.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcChannelConfigurer.class));
	}

	@Test
	void nothingIsRegisteredWithoutNetDevhsClient() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(GrpcChannelConfigurer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcChannelSecurity.class));
	}

	@Test
	void staticCredentialsWithoutATokenFailAtStartup() {
		this.contextRunner.withPropertyValues("platform.grpc.client.channels.users.credentials=static")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("platform.grpc.client.channels.users.token must be set when its credentials are static"));
	}

	@Test
	void unknownSslBundleFailsAtStartup() {
		this.contextRunner.withPropertyValues("platform.grpc.client.channels.users.tls.bundle=missing")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("'missing'"));
	}

	@Test
	void tlsSettingsOnAChannelThatIsNotNettyAreRefusedClearly() throws Exception {
		TestCertificates ca = TestCertificates.createCa(directory, "ca");
		this.contextRunner
			.withPropertyValues("spring.ssl.bundle.pem.mesh.truststore.certificate=file:" + ca.caCertificate(),
					"platform.grpc.client.channels.users.tls.bundle=mesh")
			.run((context) -> assertThatIllegalStateException()
				.isThrownBy(() -> context.getBean(GrpcChannelSecurity.class)
					.configure(InProcessChannelBuilder.forName("users"), "users"))
				.withMessageContaining("platform.grpc.client.channels.users.tls needs a grpc-netty-shaded channel"));
	}

	@Test
	void userChannelSecurityWins() {
		this.contextRunner.withUserConfiguration(UserConfiguration.class)
			.run((context) -> assertThat(context).getBean(GrpcChannelSecurity.class).isSameAs(UserConfiguration.SECURITY));
	}

	@Test
	void tokenNeverShowsInToString() {
		assertThat(BearerTokenClientInterceptor.of("a-secret-token")).hasToString("BearerTokenClientInterceptor");
		GrpcClientProperties.Channel channel = new GrpcClientProperties.Channel();
		channel.setToken("a-secret-token");
		assertThat(channel.toString()).doesNotContain("a-secret-token");
	}

	@Configuration(proxyBeanMethods = false)
	static class UserConfiguration {

		static final GrpcChannelSecurity SECURITY = new GrpcChannelSecurity(new GrpcClientProperties(), null);

		@Bean
		GrpcChannelSecurity userChannelSecurity() {
			return SECURITY;
		}

	}

}
