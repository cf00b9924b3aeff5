/**
 * Validation of request messages with protovalidate before they reach the handler.
 */
@NullMarked
package dev.grpcplatform.starter.validation;

import org.jspecify.annotations.NullMarked;
