/**
 * Auto-configuration of the gRPC health service and its bridge to Actuator health (Spring Boot 3.5 edge).
 */
@NullMarked
package dev.grpcplatform.starter.boot3.health;

import org.jspecify.annotations.NullMarked;
