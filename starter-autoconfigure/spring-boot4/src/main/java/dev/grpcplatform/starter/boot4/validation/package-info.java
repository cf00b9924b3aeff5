/**
 * protovalidate request validation on Spring Boot 4.1's gRPC server.
 */
@NullMarked
package dev.grpcplatform.starter.boot4.validation;

import org.jspecify.annotations.NullMarked;
