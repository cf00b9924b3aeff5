package dev.grpcplatform.starter.web;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the {@code GrpcHttpAutoConfiguration} of the edge whose build runs them.
 */
class GrpcHttpAutoConfigurationTests {

	private static final Class<?> AUTO_CONFIGURATION = edgeAutoConfiguration();

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AUTO_CONFIGURATION));

	private static Class<?> edgeAutoConfiguration() {
		for (String edge : new String[] { "boot3", "boot4" }) {
			try {
				return Class.forName("dev.grpcplatform.starter." + edge + ".web.GrpcHttpAutoConfiguration");
			}
			catch (ClassNotFoundException ex) {
				// The other edge's build.
			}
		}
		throw new IllegalStateException("No edge's GrpcHttpAutoConfiguration on the class path");
	}

	@Test
	void offUnlessEnabled() {
		this.contextRunner.withPropertyValues("management.server.port=8081").run((context) -> {
			assertThat(context).doesNotHaveBean(GrpcHttpBridge.class);
			assertThat(context).doesNotHaveBean(FilterRegistrationBean.class);
		});
	}

	@Test
	void grpcWebOrJsonRegistersTheFilterBeforeSpringSecurity() {
		for (String key : new String[] { "platform.grpc.http.grpc-web.enabled", "platform.grpc.http.json.enabled" }) {
			this.contextRunner.withPropertyValues(key + "=true", "management.server.port=8081").run((context) -> {
				assertThat(context).hasSingleBean(GrpcHttpBridge.class);
				FilterRegistrationBean<?> registration = context.getBean(FilterRegistrationBean.class);
				assertThat(registration.getFilter()).isInstanceOf(GrpcHttpFilter.class);
				assertThat(registration.getOrder()).isEqualTo(GrpcHttpFilter.ORDER).isLessThan(-100);
				assertThat(registration.isAsyncSupported()).isTrue();
			});
		}
	}

	@Test
	void enabledOnTheManagementPortFailsWithOneClearMessage() {
		this.contextRunner.withPropertyValues("platform.grpc.http.json.enabled=true", "server.port=8080",
				"management.server.port=8080")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("set management.server.port to another port"));
		this.contextRunner.withPropertyValues("platform.grpc.http.grpc-web.enabled=true")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void notInAnApplicationWithoutAServletWebServer() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AUTO_CONFIGURATION))
			.withPropertyValues("platform.grpc.http.grpc-web.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(GrpcHttpBridge.class));
	}

	@Test
	void userBridgeWins() {
		GrpcHttpBridge bridge = new GrpcHttpBridge((builder) -> {
		}, null);
		this.contextRunner.withPropertyValues("platform.grpc.http.json.enabled=true", "management.server.port=-1")
			.withBean(GrpcHttpBridge.class, () -> bridge)
			.run((context) -> assertThat(context).getBean(GrpcHttpBridge.class).isSameAs(bridge));
	}

}
