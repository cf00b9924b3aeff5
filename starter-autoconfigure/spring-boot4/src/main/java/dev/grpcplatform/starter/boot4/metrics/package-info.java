/**
 * gRFC A66 server and client metrics on Spring Boot 4.1's gRPC server and channels.
 */
@NullMarked
package dev.grpcplatform.starter.boot4.metrics;

import org.jspecify.annotations.NullMarked;
