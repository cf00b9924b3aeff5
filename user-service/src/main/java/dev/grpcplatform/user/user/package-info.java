/**
 * Users: the gRPC service, its storage and the import of users by stream.
 */
@NullMarked
package dev.grpcplatform.user.user;

import org.jspecify.annotations.NullMarked;
