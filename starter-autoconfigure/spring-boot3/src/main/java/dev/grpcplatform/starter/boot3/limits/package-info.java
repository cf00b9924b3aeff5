/**
 * Auto-configuration of the server limits and the handler executor (Spring Boot 3.5 edge).
 */
@NullMarked
package dev.grpcplatform.starter.boot3.limits;

import org.jspecify.annotations.NullMarked;
