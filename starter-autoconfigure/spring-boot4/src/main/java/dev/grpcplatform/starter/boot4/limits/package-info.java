/**
 * Server limits and the handler executor on Spring Boot 4.1's gRPC server.
 */
@NullMarked
package dev.grpcplatform.starter.boot4.limits;

import org.jspecify.annotations.NullMarked;
