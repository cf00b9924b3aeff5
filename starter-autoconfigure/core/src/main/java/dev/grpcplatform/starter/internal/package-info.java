/**
 * Internal: plumbing between the platform's features and between the core and the edges of each
 * Boot line (the server lifecycle SPI, guarded calls). Not API; it may change in any release.
 */
@NullMarked
package dev.grpcplatform.starter.internal;

import org.jspecify.annotations.NullMarked;
