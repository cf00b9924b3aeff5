/**
 * Tests of the server's limits on the wire: malformed request bytes and the deadline policy.
 */
@NullMarked
package dev.grpcplatform.starter.limits;

import org.jspecify.annotations.NullMarked;
