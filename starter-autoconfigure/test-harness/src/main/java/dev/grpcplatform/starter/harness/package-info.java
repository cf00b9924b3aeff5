/**
 * Real-socket test harness: runs a Spring Boot gRPC application on a free port with client channels
 * to it, on either Spring Boot line.
 */
@NullMarked
package dev.grpcplatform.starter.harness;

import org.jspecify.annotations.NullMarked;
