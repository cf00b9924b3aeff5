/**
 * Graceful shutdown of Spring Boot 4.1's gRPC server.
 */
@NullMarked
package dev.grpcplatform.starter.boot4.shutdown;

import org.jspecify.annotations.NullMarked;
