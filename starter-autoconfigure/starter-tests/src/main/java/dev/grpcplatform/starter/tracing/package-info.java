/**
 * The starter's tracing tests written once for every edge; each edge's build runs them.
 */
@NullMarked
package dev.grpcplatform.starter.tracing;

import org.jspecify.annotations.NullMarked;
