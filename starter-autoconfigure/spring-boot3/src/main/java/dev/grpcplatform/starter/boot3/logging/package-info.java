/**
 * Auto-configuration of the access log and request ids (Spring Boot 3.5 edge).
 */
@NullMarked
package dev.grpcplatform.starter.boot3.logging;

import org.jspecify.annotations.NullMarked;
