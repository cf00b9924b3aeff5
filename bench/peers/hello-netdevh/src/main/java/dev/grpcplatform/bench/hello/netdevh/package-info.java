/**
 * The start-up benchmark's peer hello service on net.devh 3.1 and Spring Boot 3.5.
 */
@NullMarked
package dev.grpcplatform.bench.hello.netdevh;

import org.jspecify.annotations.NullMarked;
