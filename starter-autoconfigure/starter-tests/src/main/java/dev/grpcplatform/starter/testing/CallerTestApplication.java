package dev.grpcplatform.starter.testing;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * Application that serves {@link CallerGrpcService}, whose answers say who the caller is.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(CallerGrpcService.class)
public class CallerTestApplication {

}
