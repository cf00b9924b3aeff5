/**
 * The Spring Boot 3.5 edge on net.devh grpc-spring-boot-starter: what every feature shares (server lifecycle adapter, service discovery, defaults).
 */
@NullMarked
package dev.grpcplatform.starter.boot3;

import org.jspecify.annotations.NullMarked;
