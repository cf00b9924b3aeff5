/**
 * Auto-configuration of OpenTelemetry tracing (Spring Boot 3.5 edge).
 */
@NullMarked
package dev.grpcplatform.starter.boot3.tracing;

import org.jspecify.annotations.NullMarked;
