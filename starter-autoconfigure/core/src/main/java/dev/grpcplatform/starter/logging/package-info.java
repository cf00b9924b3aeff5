/**
 * Access log line per call and request ids.
 */
@NullMarked
package dev.grpcplatform.starter.logging;

import org.jspecify.annotations.NullMarked;
