package dev.grpcplatform.starter.boot3.reflection;

import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcReflectionAutoConfiguration}.
 */
class GrpcReflectionAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GrpcReflectionAutoConfiguration.class));

	@Test
	@SuppressWarnings("deprecation")
	void registersReflectionV1AndV1AlphaByDefault() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(ProtoReflectionServiceV1.class)
			.hasSingleBean(ProtoReflectionService.class));
	}

	@Test
	void registersBothWhenEnabledExplicitly() {
		this.contextRunner.withPropertyValues("platform.grpc.reflection.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(ProtoReflectionServiceV1.class));
	}

	@Test
	@SuppressWarnings("deprecation")
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("platform.grpc.reflection.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ProtoReflectionServiceV1.class)
				.doesNotHaveBean(ProtoReflectionService.class));
	}

	@Test
	void backsOffWithoutGrpcServices() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ProtoReflectionServiceV1.class))
			.run((context) -> assertThat(context).doesNotHaveBean("grpcReflectionServiceV1"));
	}

	@Test
	void userReflectionServiceWins() {
		ProtoReflectionServiceV1 own = (ProtoReflectionServiceV1) ProtoReflectionServiceV1.newInstance();
		this.contextRunner.withBean("myReflection", ProtoReflectionServiceV1.class, () -> own)
			.run((context) -> assertThat(context.getBean(ProtoReflectionServiceV1.class)).isSameAs(own));
	}

}
