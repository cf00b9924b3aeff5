/**
 * chat-service: {@code platform.chat.v1.ChatService}, bidirectional chat rooms.
 */
@NullMarked
package dev.grpcplatform.chat;

import org.jspecify.annotations.NullMarked;
