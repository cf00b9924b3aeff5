package dev.grpcplatform.starter.boot3;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.grpcplatform.starter.server.GlobalGrpcServerInterceptor;
import dev.grpcplatform.starter.server.GrpcServerBuilderCustomizer;
import dev.grpcplatform.starter.testing.ServerHooks;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import net.devh.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration;
import net.devh.boot.grpc.server.interceptor.GlobalServerInterceptorRegistry;
import net.devh.boot.grpc.server.interceptor.GrpcGlobalServerInterceptor;
import net.devh.boot.grpc.server.scope.GrpcRequestScope;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link PlatformServerAutoConfiguration}.
 */
class PlatformServerAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(PlatformServerAutoConfiguration.class, GrpcServerAutoConfiguration.class));

	@Test
	void platformGlobalInterceptorsAreNetDevhGlobalInterceptorsInOrderAmongNetDevhsOwn() {
		this.contextRunner.withUserConfiguration(OrderedInterceptors.class).run((context) -> {
			List<ServerInterceptor> interceptors = context.getBean(GlobalServerInterceptorRegistry.class)
				.getServerInterceptors();
			// net.devh adds its request scope interceptor first.
			assertThat(interceptors).filteredOn((interceptor) -> !(interceptor instanceof GrpcRequestScope))
				.map(Object::toString)
				.containsExactly("platform-1", "devh-2", "platform-3", "both-4");
		});
	}

	@Test
	void markedBeanThatIsNoInterceptorIsReportedWithItsNameWhenTheServerIsBuilt() {
		this.contextRunner.withUserConfiguration(NotAnInterceptor.class)
			.run((context) -> assertThatIllegalStateException()
				.isThrownBy(() -> context.getBean(GlobalServerInterceptorRegistry.class).getServerInterceptors())
				.withMessageContaining("'notAnInterceptor'")
				.withMessageContaining("not an io.grpc.ServerInterceptor"));
	}

	@Test
	void platformServerBuilderCustomizersAreAppliedInOrderByNetDevhsServerConfigurer() {
		List<String> customized = new CopyOnWriteArrayList<>();
		this.contextRunner
			.withBean("second", GrpcServerBuilderCustomizer.class,
					() -> ServerHooks.recordingCustomizer("second", 2, customized))
			.withBean("first", GrpcServerBuilderCustomizer.class,
					() -> ServerHooks.recordingCustomizer("first", 1, customized))
			.run((context) -> {
				NettyServerBuilder builder = NettyServerBuilder.forPort(0);
				context.getBeansOfType(GrpcServerConfigurer.class)
					.values()
					.forEach((configurer) -> configurer.accept(builder));
				String type = NettyServerBuilder.class.getName();
				assertThat(customized).containsExactly("first:" + type, "second:" + type);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderedInterceptors {

		@Bean
		@GlobalGrpcServerInterceptor
		@Order(3)
		ServerInterceptor platformThird() {
			return named("platform-3");
		}

		@Bean
		@GrpcGlobalServerInterceptor
		@Order(2)
		ServerInterceptor devhSecond() {
			return named("devh-2");
		}

		@Bean
		@GlobalGrpcServerInterceptor
		@Order(1)
		ServerInterceptor platformFirst() {
			return named("platform-1");
		}

		@Bean
		@GlobalGrpcServerInterceptor
		@GrpcGlobalServerInterceptor
		@Order(4)
		ServerInterceptor bothFourth() {
			return named("both-4");
		}

		private static ServerInterceptor named(String name) {
			return ServerHooks.recordingInterceptor(name, new ArrayList<>());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NotAnInterceptor {

		@Bean
		@GlobalGrpcServerInterceptor
		String notAnInterceptor() {
			return "oops";
		}

	}

}
