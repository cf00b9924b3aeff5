package dev.grpcplatform.starter.boot4.reflection;

import java.util.List;

import dev.grpcplatform.starter.boot4.BootGrpcContextRunners;
import dev.grpcplatform.starter.testing.EchoGrpcService;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.grpc.server.service.GrpcServiceDiscoverer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcReflectionAutoConfiguration}.
 */
class GrpcReflectionAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = BootGrpcContextRunners
		.server(GrpcReflectionAutoConfiguration.class)
		.withBean(EchoGrpcService.class);

	@Test
	void v1AndV1AlphaReplaceSpringBootsReflectionService() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(ProtoReflectionServiceV1.class)
				.hasSingleBean(ProtoReflectionService.class)
				.doesNotHaveBean("grpcServerReflectionService");
			assertThat(servedServices(context)).contains("grpc.reflection.v1.ServerReflection",
					"grpc.reflection.v1alpha.ServerReflection");
		});
	}

	@Test
	void enabledExplicitlyRegistersBoth() {
		this.contextRunner.withPropertyValues("platform.grpc.reflection.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(ProtoReflectionServiceV1.class)
				.hasSingleBean(ProtoReflectionService.class));
	}

	@Test
	void disabledServesNoReflectionUnlessSpringBootsIsAskedFor() {
		this.contextRunner.withPropertyValues("platform.grpc.reflection.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(ProtoReflectionService.class)
				.doesNotHaveBean("grpcServerReflectionService");
			assertThat(servedServices(context)).doesNotContain("grpc.reflection.v1.ServerReflection");
		});
		this.contextRunner
			.withPropertyValues("platform.grpc.reflection.enabled=false", "spring.grpc.server.reflection.enabled=true")
			.run((context) -> assertThat(servedServices(context)).contains("grpc.reflection.v1.ServerReflection")
				.doesNotContain("grpc.reflection.v1alpha.ServerReflection"));
	}

	@Test
	void nothingIsRegisteredWithoutGrpcServices() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ProtoReflectionServiceV1.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ProtoReflectionService.class));
	}

	@Test
	void userReflectionServiceWins() {
		ProtoReflectionServiceV1 user = (ProtoReflectionServiceV1) ProtoReflectionServiceV1.newInstance();
		this.contextRunner.withBean(ProtoReflectionServiceV1.class, () -> user)
			.run((context) -> assertThat(context.getBean(ProtoReflectionServiceV1.class)).isSameAs(user));
	}

	private static List<String> servedServices(ApplicationContext context) {
		return context.getBean(GrpcServiceDiscoverer.class).listServiceNames();
	}

}
