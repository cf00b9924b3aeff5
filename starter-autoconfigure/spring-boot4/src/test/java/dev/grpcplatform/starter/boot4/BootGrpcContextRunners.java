package dev.grpcplatform.starter.boot4;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerServicesAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.health.GrpcServerHealthAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Context runners with Spring Boot 4.1's own gRPC auto-configurations and the platform's
 * environment defaults, so that a platform auto-configuration is tested together with what it
 * replaces or extends.
 */
public final class BootGrpcContextRunners {

	private BootGrpcContextRunners() {
	}

	/**
	 * Returns a runner with Spring Boot's gRPC server (bound to a free loopback port once a
	 * {@code BindableService} bean exists), its reflection and health services, and the given
	 * auto-configurations.
	 * @param autoConfigurations auto-configurations under test
	 * @return the runner
	 */
	public static ApplicationContextRunner server(Class<?>... autoConfigurations) {
		return new ApplicationContextRunner()
			.withInitializer((context) -> new PlatformDefaultsEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), new SpringApplication()))
			.withConfiguration(AutoConfigurations.of(autoConfigurations))
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, GrpcServerAutoConfiguration.class,
					GrpcServerServicesAutoConfiguration.class, GrpcServerHealthAutoConfiguration.class))
			.withPropertyValues("spring.grpc.server.port=0", "spring.grpc.server.address=127.0.0.1");
	}

}
