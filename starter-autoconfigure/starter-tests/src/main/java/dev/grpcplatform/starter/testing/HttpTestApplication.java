package dev.grpcplatform.starter.testing;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Application with the item service for gRPC-Web and JSON transcoding tests.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class HttpTestApplication {

	@Bean
	ItemGrpcService itemGrpcService() {
		return new ItemGrpcService();
	}

}
