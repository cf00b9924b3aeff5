/**
 * Test support for the platform on Spring Boot 4.1: the in-process test slice.
 */
@NullMarked
package dev.grpcplatform.starter.boot4.test;

import org.jspecify.annotations.NullMarked;
