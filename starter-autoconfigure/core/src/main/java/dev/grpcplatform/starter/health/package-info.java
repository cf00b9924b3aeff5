/**
 * {@code grpc.health.v1} status that follows the application's readiness and liveness.
 */
@NullMarked
package dev.grpcplatform.starter.health;

import org.jspecify.annotations.NullMarked;
