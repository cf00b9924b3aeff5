/**
 * The starter's client channel tests written once for every edge; each edge's build runs them.
 */
@NullMarked
package dev.grpcplatform.starter.client;

import org.jspecify.annotations.NullMarked;
