/**
 * Auto-configuration of request validation (Spring Boot 3.5 edge).
 */
@NullMarked
package dev.grpcplatform.starter.boot3.validation;

import org.jspecify.annotations.NullMarked;
