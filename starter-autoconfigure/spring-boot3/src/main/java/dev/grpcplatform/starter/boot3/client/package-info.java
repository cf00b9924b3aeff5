/**
 * Auto-configuration of client channel credentials and TLS for net.devh channels (Spring Boot 3.5 edge).
 */
@NullMarked
package dev.grpcplatform.starter.boot3.client;

import org.jspecify.annotations.NullMarked;
