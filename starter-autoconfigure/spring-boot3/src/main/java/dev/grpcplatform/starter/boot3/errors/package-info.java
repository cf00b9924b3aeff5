/**
 * Auto-configuration of the error mapping (Spring Boot 3.5 edge).
 */
@NullMarked
package dev.grpcplatform.starter.boot3.errors;

import org.jspecify.annotations.NullMarked;
