package dev.grpcplatform.user;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Sample gRPC service of the platform: {@code platform.user.v1.UserService} on PostgreSQL.
 *
 * <p>Serves gRPC on {@code grpc.server.port} (9090) and Actuator on {@code server.port} (8081).
 * Without {@code spring.datasource.url} it starts an embedded PostgreSQL whose data survives
 * restarts (see {@link dev.grpcplatform.user.config.EmbeddedPostgresConfiguration}).
 */
@SpringBootApplication
public class UserServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(UserServiceApplication.class, args);
	}

}
