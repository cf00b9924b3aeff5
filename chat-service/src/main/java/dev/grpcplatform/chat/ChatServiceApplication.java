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
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ChatServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(ChatServiceApplication.class, args);
	}

}
