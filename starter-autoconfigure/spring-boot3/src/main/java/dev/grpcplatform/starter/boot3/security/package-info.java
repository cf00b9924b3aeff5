/**
 * Auto-configuration of authentication, authorization and server TLS (Spring Boot 3.5 edge).
 */
@NullMarked
package dev.grpcplatform.starter.boot3.security;

import org.jspecify.annotations.NullMarked;
