/**
 * Client side: bearer tokens on outgoing calls and the credentials and TLS of channels by name.
 */
@NullMarked
package dev.grpcplatform.starter.client;

import org.jspecify.annotations.NullMarked;
