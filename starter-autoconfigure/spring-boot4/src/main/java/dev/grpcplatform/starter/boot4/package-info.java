/**
 * The platform's edge for Spring Boot 4.1 and its own gRPC server and client (spring-grpc): what is
 * shared by every feature (the server lifecycle adapter, {@code local.grpc.port}, the defaults that
 * turn off what the platform replaces, the guard against a wrong Boot line).
 */
@NullMarked
package dev.grpcplatform.starter.boot4;

import org.jspecify.annotations.NullMarked;
