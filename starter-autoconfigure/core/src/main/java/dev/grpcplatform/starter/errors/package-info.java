/**
 * Error model: exceptions thrown by handlers mapped to statuses with {@code google.rpc} error details.
 */
@NullMarked
package dev.grpcplatform.starter.errors;

import org.jspecify.annotations.NullMarked;
