/**
 * gRFC A66 server and client metrics in Micrometer.
 */
@NullMarked
package dev.grpcplatform.starter.metrics;

import org.jspecify.annotations.NullMarked;
