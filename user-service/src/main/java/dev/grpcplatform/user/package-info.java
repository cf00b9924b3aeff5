/**
 * user-service: {@code platform.user.v1.UserService} on PostgreSQL.
 */
@NullMarked
package dev.grpcplatform.user;

import org.jspecify.annotations.NullMarked;
