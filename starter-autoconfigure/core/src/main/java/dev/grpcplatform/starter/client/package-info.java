/**
 * Client side: bearer tokens on outgoing calls, and channels by name with their credentials, TLS and
 * customizers.
 */
@NullMarked
package dev.grpcplatform.starter.client;

import org.jspecify.annotations.NullMarked;
