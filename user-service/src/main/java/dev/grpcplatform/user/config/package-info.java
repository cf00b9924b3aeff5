/**
 * Configuration of user-service: the embedded PostgreSQL default and its lifecycle.
 */
@NullMarked
package dev.grpcplatform.user.config;

import org.jspecify.annotations.NullMarked;
