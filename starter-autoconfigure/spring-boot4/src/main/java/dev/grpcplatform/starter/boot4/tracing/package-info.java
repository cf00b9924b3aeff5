/**
 * OpenTelemetry tracing on Spring Boot 4.1's gRPC server and channels.
 */
@NullMarked
package dev.grpcplatform.starter.boot4.tracing;

import org.jspecify.annotations.NullMarked;
