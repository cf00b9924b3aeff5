/**
 * OpenTelemetry server and client spans and context propagation through gRPC metadata.
 */
@NullMarked
package dev.grpcplatform.starter.tracing;

import org.jspecify.annotations.NullMarked;
