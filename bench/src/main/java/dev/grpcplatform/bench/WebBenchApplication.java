package dev.grpcplatform.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.grpcplatform.bench.v1.BenchUser;
import dev.grpcplatform.bench.v1.GetUserRequest;
import dev.grpcplatform.bench.v1.UserLookupServiceGrpc;
import io.grpc.stub.StreamObserver;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * WebBench's server: the platform starter serving {@code platform.bench.v1.UserLookupService} over
 * gRPC, gRPC-Web and JSON transcoding, and beside it the hand-written Spring MVC controller a user
 * would otherwise write for the same endpoint ({@code GET /mvc/users/{id}}), in one application.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(WebBenchApplication.UserController.class)
public class WebBenchApplication {

	static BenchUser user(String id) {
		return BenchUser.newBuilder()
			.setId(id)
			.setDisplayName("Ada Lovelace")
			.setEmail("ada.lovelace@example.com")
			.setCreatedAt("2026-12-07T10:15:30Z")
			.build();
	}

	@Bean
	UserLookupService userLookupService() {
		return new UserLookupService();
	}

	@Bean
	static ApplicationListener<ApplicationReadyEvent> webBenchPortFileWriter(Environment environment) {
		return (event) -> {
			try {
				Files.writeString(Path.of(environment.getRequiredProperty("bench.port-file")),
						"port=" + environment.getRequiredProperty("local.grpc.port") + "\nweb-port="
								+ environment.getRequiredProperty("local.server.port") + "\n",
						StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		};
	}

	/**
	 * Starts the application; {@code --bench.port-file=<file>} receives the gRPC and HTTP ports.
	 * @param args application arguments
	 */
	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(WebBenchApplication.class);
		application.setDefaultProperties(Map.of("grpc.server.port", "0", "grpc.server.address", "127.0.0.1",
				"server.port", "0", "server.address", "127.0.0.1", "management.server.port", "-1",
				"spring.main.banner-mode", "off", "spring.application.name", "web-bench"));
		application.run(args);
	}

	/**
	 * The gRPC service: one lookup.
	 */
	static class UserLookupService extends UserLookupServiceGrpc.UserLookupServiceImplBase {

		@Override
		public void getUser(GetUserRequest request, StreamObserver<BenchUser> responseObserver) {
			responseObserver.onNext(user(request.getId()));
			responseObserver.onCompleted();
		}

	}

	/**
	 * The same endpoint written by hand with Spring MVC and Jackson.
	 */
	@RestController
	static class UserController {

		@GetMapping("/mvc/users/{id}")
		UserJson getUser(@PathVariable String id) {
			BenchUser user = user(id);
			return new UserJson(user.getId(), user.getDisplayName(), user.getEmail(), user.getCreatedAt());
		}

	}

	/**
	 * The user as the hand-written controller returns it.
	 *
	 * @param id user id
	 * @param displayName display name
	 * @param email email address
	 * @param createdAt creation time
	 */
	record UserJson(String id, String displayName, String email, String createdAt) {
	}

}
