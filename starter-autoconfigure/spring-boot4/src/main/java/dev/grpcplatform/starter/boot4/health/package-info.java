/**
 * The gRPC health service on Spring Boot 4.1, following Actuator's readiness and liveness groups.
 */
@NullMarked
package dev.grpcplatform.starter.boot4.health;

import org.jspecify.annotations.NullMarked;
