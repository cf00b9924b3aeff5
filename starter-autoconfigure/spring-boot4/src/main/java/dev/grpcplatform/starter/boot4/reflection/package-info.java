/**
 * Server reflection (v1 and v1alpha) on Spring Boot 4.1's gRPC server.
 */
@NullMarked
package dev.grpcplatform.starter.boot4.reflection;

import org.jspecify.annotations.NullMarked;
