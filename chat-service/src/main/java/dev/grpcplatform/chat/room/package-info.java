/**
 * Chat rooms: the gRPC service, sessions and the members' outboxes.
 */
@NullMarked
package dev.grpcplatform.chat.room;

import org.jspecify.annotations.NullMarked;
