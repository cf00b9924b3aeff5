/**
 * Auto-configuration of server reflection v1 and v1alpha (Spring Boot 3.5 edge).
 */
@NullMarked
package dev.grpcplatform.starter.boot3.reflection;

import org.jspecify.annotations.NullMarked;
