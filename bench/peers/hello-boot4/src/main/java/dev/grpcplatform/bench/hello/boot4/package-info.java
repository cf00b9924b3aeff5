/**
 * The start-up benchmark's peer hello service on Spring Boot 4.1's gRPC server.
 */
@NullMarked
package dev.grpcplatform.bench.hello.boot4;

import org.jspecify.annotations.NullMarked;
