/**
 * Mapping of handler exceptions to statuses on Spring Boot 4.1's gRPC server.
 */
@NullMarked
package dev.grpcplatform.starter.boot4.errors;

import org.jspecify.annotations.NullMarked;
