/**
 * The starter's metrics tests written once for every edge; each edge's build runs them.
 */
@NullMarked
package dev.grpcplatform.starter.metrics;

import org.jspecify.annotations.NullMarked;
