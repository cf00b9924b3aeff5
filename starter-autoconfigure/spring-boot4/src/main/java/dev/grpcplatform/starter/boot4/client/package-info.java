/**
 * Credentials and TLS of Spring Boot 4.1's gRPC client channels.
 */
@NullMarked
package dev.grpcplatform.starter.boot4.client;

import org.jspecify.annotations.NullMarked;
