/**
 * Auto-configuration of the graceful shutdown (Spring Boot 3.5 edge).
 */
@NullMarked
package dev.grpcplatform.starter.boot3.shutdown;

import org.jspecify.annotations.NullMarked;
