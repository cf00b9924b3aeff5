/**
 * Test support of the Spring Boot 3.5 edge: an in-process server for a {@code @SpringBootTest}.
 */
@NullMarked
package dev.grpcplatform.starter.boot3.test;

import org.jspecify.annotations.NullMarked;
