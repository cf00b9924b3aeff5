package dev.grpcplatform.user;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Sample gRPC service of the platform: {@code platform.user.v1.UserService} on PostgreSQL.
 *
 * <p>Serves gRPC on {@code grpc.server.port} (9090) and Actuator on {@code server.port} (8081).
 * Without {@code spring.datasource.url} it starts an embedded PostgreSQL whose data survives
 * restarts (see {@link dev.grpcplatform.user.config.EmbeddedPostgresConfiguration}).
 *
 * <p>Leaves out Spring Data's web support, which Spring Boot configures whenever Spring Data and
 * Spring MVC are on the class path: the service has no MVC handler that takes a {@code Pageable} or
 * {@code Sort} (its HTTP side is the platform's JSON transcoding and gRPC-Web), yet it costs about 100
 * loaded classes and their beans on every start. Both Spring Boot lines' names are listed; the other
 * line's is not present and is ignored.
 */
@SpringBootApplication(excludeName = {
		// Spring Boot 4.1
		"org.springframework.boot.data.autoconfigure.web.DataWebAutoConfiguration",
		// Spring Boot 3.5
		"org.springframework.boot.autoconfigure.data.web.SpringDataWebAutoConfiguration" })
public class UserServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(UserServiceApplication.class, args);
	}

}
