/**
 * Test contract services and helpers of the starter's tests, shared by every edge.
 */
@NullMarked
package dev.grpcplatform.starter.testing;

import org.jspecify.annotations.NullMarked;
