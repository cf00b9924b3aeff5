package dev.grpcplatform.starter.server;

import io.grpc.ServerBuilder;

/**
 * Callback that customizes the builder of the gRPC server on either Spring Boot line: a bean of this
 * type stands for net.devh's {@code GrpcServerConfigurer} on Spring Boot 3.5 and for Spring Boot's
 * {@code ServerBuilderCustomizer} on Spring Boot 4.1, so that an application moves from one line to
 * the other by changing the starter only.
 *
 * <p>Beans are applied in {@link org.springframework.core.annotation.Order @Order} to every server
 * the base builds (the network server and in-process servers of tests); check the builder's type
 * before transport-specific settings. The transport's security is the platform's
 * ({@code platform.grpc.security.tls.*}): on Spring Boot 4.1 the server is built with its credentials
 * before any customizer runs.
 */
@FunctionalInterface
public interface GrpcServerBuilderCustomizer {

	/**
	 * Customizes the server builder.
	 * @param builder the builder
	 */
	void customize(ServerBuilder<?> builder);

}
