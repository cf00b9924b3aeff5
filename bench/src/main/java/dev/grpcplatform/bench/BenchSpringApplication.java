package dev.grpcplatform.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

import net.devh.boot.grpc.server.event.GrpcServerStartedEvent;
import net.devh.boot.grpc.server.service.GrpcService;

/**
 * Variants (b) and (c): the bench service in a Spring Boot application with net.devh and Actuator.
 * With the platform starter on the class path it is variant (b), every platform feature on; without
 * it, variant (c), net.devh with its defaults.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class BenchSpringApplication {

	static final String PLATFORM_CLASS = "dev.grpcplatform.starter.server.PlatformInterceptorOrder";

	@Bean
	@GrpcService
	BenchServiceImpl benchService() {
		return new BenchServiceImpl();
	}

	@Bean
	static ApplicationListener<GrpcServerStartedEvent> benchPortFileWriter(
			Environment environment) {
		return (event) -> {
			String portFile = environment.getRequiredProperty("bench.port-file");
			boolean platform = ClassUtils.isPresent(PLATFORM_CLASS, BenchSpringApplication.class.getClassLoader());
			try {
				Files.writeString(Path.of(portFile),
						"port=" + event.getServer().getPort() + "\nplatform=" + platform + "\n",
						StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		};
	}

	/**
	 * Starts the application; {@code --bench.port-file=<file>} receives the bound port.
	 * @param args application arguments
	 */
	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(BenchSpringApplication.class);
		application.setDefaultProperties(Map.of("grpc.server.port", "0", "grpc.server.address",
				"127.0.0.1", "spring.main.banner-mode", "off", "spring.application.name", "bench"));
		application.run(args);
	}

}
