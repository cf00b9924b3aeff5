package dev.grpcplatform.chat;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Sample gRPC service of the platform: {@code platform.chat.v1.ChatService}, chat rooms over
 * bidirectional streams.
 *
 * <p>Serves gRPC on {@code grpc.server.port} (9091) and Actuator on {@code server.port} (8082);
 * checks members against user-service ({@code grpc.client.user-service.address}); fans messages out
 * in memory, or through Redis with {@code chat.broker.type=redis} so that several instances share
 * rooms.
 *
 * <p>Leaves out Spring Data's web support and repository metrics, which Spring Boot configures
 * whenever Spring Data is on the class path (here through the Redis broker's client): the service
 * has no MVC handler that takes a {@code Pageable} or {@code Sort} and no repository, yet they cost
 * about 180 loaded classes and their beans on every start. Both Spring Boot lines' names are listed;
 * the other line's are not present and are ignored.
 */
@SpringBootApplication(excludeName = {
		// Spring Boot 4.1
		"org.springframework.boot.data.autoconfigure.web.DataWebAutoConfiguration",
		"org.springframework.boot.data.autoconfigure.metrics.DataRepositoryMetricsAutoConfiguration",
		// Spring Boot 3.5
		"org.springframework.boot.autoconfigure.data.web.SpringDataWebAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.metrics.data.RepositoryMetricsAutoConfiguration" })
@ConfigurationPropertiesScan
public class ChatServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(ChatServiceApplication.class, args);
	}

}
