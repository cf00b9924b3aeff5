/**
 * Request ids and the access log on Spring Boot 4.1's gRPC server.
 */
@NullMarked
package dev.grpcplatform.starter.boot4.logging;

import org.jspecify.annotations.NullMarked;
