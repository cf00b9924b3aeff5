/**
 * Delivery of chat messages between instances: in memory or through Redis.
 */
@NullMarked
package dev.grpcplatform.chat.broker;

import org.jspecify.annotations.NullMarked;
