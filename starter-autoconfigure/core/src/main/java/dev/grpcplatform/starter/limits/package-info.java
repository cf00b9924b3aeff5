/**
 * Limits of the gRPC server: message and metadata sizes, keepalive, connection age and a bounded handler executor.
 */
@NullMarked
package dev.grpcplatform.starter.limits;

import org.jspecify.annotations.NullMarked;
