/**
 * Authentication of callers (JWT bearer tokens, TLS client certificates), scopes per method and server TLS.
 */
@NullMarked
package dev.grpcplatform.starter.security;

import org.jspecify.annotations.NullMarked;
