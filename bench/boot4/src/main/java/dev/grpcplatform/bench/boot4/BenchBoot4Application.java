package dev.grpcplatform.bench.boot4;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.grpcplatform.bench.BenchServiceImpl;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;
import org.springframework.util.ClassUtils;

/**
 * Variants (b4) and (d): the bench service in a Spring Boot 4.1 application with Spring Boot's own
 * gRPC server and Actuator. With the platform's Boot 4.1 starter on the class path it is variant
 * (b4), every platform feature on; without it, variant (d), Spring Boot's gRPC with its defaults.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class BenchBoot4Application {

	static final String PLATFORM_CLASS = "dev.grpcplatform.starter.server.PlatformInterceptorOrder";

	// Spring Boot's gRPC finds every BindableService bean; no annotation needed.
	@Bean
	BenchServiceImpl benchService() {
		return new BenchServiceImpl();
	}

	@Bean
	static ApplicationListener<GrpcServerStartedEvent> benchPortFileWriter(Environment environment) {
		return (event) -> {
			String portFile = environment.getRequiredProperty("bench.port-file");
			boolean platform = ClassUtils.isPresent(PLATFORM_CLASS, BenchBoot4Application.class.getClassLoader());
			try {
				Files.writeString(Path.of(portFile), "port=" + event.getPort() + "\nplatform=" + platform + "\n",
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
		SpringApplication application = new SpringApplication(BenchBoot4Application.class);
		application.setDefaultProperties(Map.of("spring.grpc.server.port", "0", "spring.grpc.server.address",
				"127.0.0.1", "spring.main.banner-mode", "off", "spring.application.name", "bench"));
		application.run(args);
	}

}
