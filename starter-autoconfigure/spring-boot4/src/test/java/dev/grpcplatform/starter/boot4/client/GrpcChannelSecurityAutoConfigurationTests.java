package dev.grpcplatform.starter.boot4.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.grpcplatform.starter.boot4.PlatformChannelBuilderCustomizer;
import dev.grpcplatform.starter.boot4.PlatformDefaultsEnvironmentPostProcessor;
import dev.grpcplatform.starter.client.GrpcChannelSecurity;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.grpc.client.autoconfigure.CompositeChannelFactoryAutoConfiguration;
import org.springframework.boot.grpc.client.autoconfigure.GrpcClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.grpc.client.GlobalClientInterceptor;
import org.springframework.grpc.client.GrpcChannelBuilderCustomizer;
import org.springframework.grpc.client.GrpcChannelFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link GrpcChannelSecurityAutoConfiguration}.
 */
class GrpcChannelSecurityAutoConfigurationTests {

	private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
			Metadata.ASCII_STRING_MARSHALLER);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withInitializer((context) -> new PlatformDefaultsEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), new SpringApplication()))
		.withConfiguration(AutoConfigurations.of(GrpcChannelSecurityAutoConfiguration.class,
				SslAutoConfiguration.class, GrpcClientAutoConfiguration.class,
				CompositeChannelFactoryAutoConfiguration.class));

	@Test
	void staticTokenIsSentOnTheNamedChannelOfSpringBootsChannelFactory() {
		HeaderCapture capture = new HeaderCapture();
		this.contextRunner
			.withPropertyValues("platform.grpc.client.channels.billing.credentials=static",
					"platform.grpc.client.channels.billing.token=abc",
					"spring.grpc.client.channel.billing.target=static://127.0.0.1:" + RunningGrpcApplication.freePort())
			.withBean("capture", HeaderCapture.class, () -> capture)
			.run((context) -> {
				ManagedChannel channel = context.getBean(GrpcChannelFactory.class).createChannel("billing");
				assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> HealthGrpc.newBlockingStub(channel)
					.withDeadlineAfter(2, java.util.concurrent.TimeUnit.SECONDS)
					.check(HealthCheckRequest.getDefaultInstance()));
				assertThat(capture.authorizations).containsExactly("Bearer abc");
			});
	}

	@Test
	void otherChannelsGetNoToken() {
		HeaderCapture capture = new HeaderCapture();
		this.contextRunner
			.withPropertyValues("platform.grpc.client.channels.billing.credentials=static",
					"platform.grpc.client.channels.billing.token=abc",
					"spring.grpc.client.channel.other.target=static://127.0.0.1:" + RunningGrpcApplication.freePort())
			.withBean("capture", HeaderCapture.class, () -> capture)
			.run((context) -> {
				ManagedChannel channel = context.getBean(GrpcChannelFactory.class).createChannel("other");
				assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> HealthGrpc.newBlockingStub(channel)
					.withDeadlineAfter(2, java.util.concurrent.TimeUnit.SECONDS)
					.check(HealthCheckRequest.getDefaultInstance()));
				assertThat(capture.authorizations).containsExactly("none");
			});
	}

	@Test
	void channelTlsWithAnUnknownBundleFailsStartup() {
		this.contextRunner.withPropertyValues("platform.grpc.client.channels.billing.tls.bundle=missing")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("missing"));
	}

	@Test
	void staticCredentialsWithoutTokenFailStartup() {
		this.contextRunner.withPropertyValues("platform.grpc.client.channels.billing.credentials=static")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("platform.grpc.client.channels.billing.token must be set"));
	}

	@Test
	void disabledAddsNoCustomizer() {
		this.contextRunner.withPropertyValues("platform.grpc.client.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcChannelSecurity.class)
				.doesNotHaveBean(PlatformChannelBuilderCustomizer.class));
	}

	@Test
	void enabledExplicitlyAddsTheCustomizer() {
		this.contextRunner.withPropertyValues("platform.grpc.client.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(PlatformChannelBuilderCustomizer.class));
	}

	@Test
	void nothingIsRegisteredWithoutSpringGrpcsClient() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(GrpcChannelBuilderCustomizer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcChannelSecurity.class));
	}

	@Test
	void userChannelSecurityWins() {
		GrpcChannelSecurity user = new GrpcChannelSecurity(new dev.grpcplatform.starter.client.GrpcClientProperties(),
				null);
		this.contextRunner.withBean(GrpcChannelSecurity.class, () -> user)
			.run((context) -> assertThat(context.getBean(GrpcChannelSecurity.class)).isSameAs(user));
	}

	/**
	 * Records the authorization header of every call, as the innermost interceptor.
	 */
	@GlobalClientInterceptor
	static class HeaderCapture implements ClientInterceptor, org.springframework.core.Ordered {

		final List<String> authorizations = new CopyOnWriteArrayList<>();

		@Override
		public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
				CallOptions callOptions, Channel next) {
			return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, callOptions)) {

				@Override
				public void start(Listener<RespT> responseListener, Metadata headers) {
					String authorization = headers.get(AUTHORIZATION);
					HeaderCapture.this.authorizations.add((authorization != null) ? authorization : "none");
					super.start(responseListener, headers);
				}

			};
		}

		@Override
		public int getOrder() {
			return LOWEST_PRECEDENCE;
		}

	}

}
