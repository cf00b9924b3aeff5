package dev.grpcplatform.starter.testing;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * Smallest application that uses the starter: the echo service and auto-configuration.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(EchoGrpcService.class)
public class TestGrpcApplication {

}
