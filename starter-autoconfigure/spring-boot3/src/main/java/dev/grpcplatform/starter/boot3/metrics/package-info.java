/**
 * Auto-configuration of the gRPC metrics, replacing net.devh's (Spring Boot 3.5 edge).
 */
@NullMarked
package dev.grpcplatform.starter.boot3.metrics;

import org.jspecify.annotations.NullMarked;
