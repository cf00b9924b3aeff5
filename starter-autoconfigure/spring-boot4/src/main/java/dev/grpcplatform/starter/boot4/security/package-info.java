/**
 * Authentication, authorization and server TLS on Spring Boot 4.1's gRPC server.
 */
@NullMarked
package dev.grpcplatform.starter.boot4.security;

import org.jspecify.annotations.NullMarked;
