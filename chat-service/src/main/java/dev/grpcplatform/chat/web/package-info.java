/**
 * The chat page that chat-service serves on its HTTP port, and what it needs from the server
 * besides gRPC-Web: a development token under the {@code dev} profile.
 */
@NullMarked
package dev.grpcplatform.chat.web;

import org.jspecify.annotations.NullMarked;
