package dev.grpcplatform.starter.boot4.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Serves the application's gRPC services in-process for a {@code @SpringBootTest}, instead of on a
 * network port, and provides a {@link io.grpc.ManagedChannel} bean connected to them.
 *
 * <p>Every interceptor, stream tracer and limit of the platform (errors, validation, security,
 * metrics) applies as it would on the network. Inject the channel and build stubs from it:
 * <pre class="code">
 * &#064;SpringBootTest
 * &#064;AutoConfigureGrpcInProcess
 * class UserServiceTests {
 *
 *     &#064;Autowired
 *     ManagedChannel channel;
 *
 *     &#064;Test
 *     void createsUser() {
 *         var stub = UserServiceGrpc.newBlockingStub(this.channel);
 *         ...
 *     }
 * }
 * </pre>
 * Spring Boot's client channel named {@value GrpcInProcessContextCustomizer#CHANNEL_NAME} points at
 * the same server, so stubs of {@code @ImportGrpcClients(target = "inProcess", ...)} work too. Each
 * application context gets its own server name, so cached contexts do not see each other's
 * services. Unlike Spring Boot's {@code @AutoConfigureTestGrpcTransport}, the server is built with
 * the application's {@code ServerBuilderCustomizer}s, so the platform's stream tracers apply.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration(GrpcInProcessTestAutoConfiguration.class)
public @interface AutoConfigureGrpcInProcess {

}
