/**
 * Graceful shutdown of the gRPC server: drain calls in flight, then close the rest with {@code UNAVAILABLE}.
 */
@NullMarked
package dev.grpcplatform.starter.shutdown;

import org.jspecify.annotations.NullMarked;
