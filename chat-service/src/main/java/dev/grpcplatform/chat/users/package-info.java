/**
 * Lookups of chat members in user-service over gRPC.
 */
@NullMarked
package dev.grpcplatform.chat.users;

import org.jspecify.annotations.NullMarked;
