/**
 * The starter's shutdown tests written once for every edge; each edge's build runs them.
 */
@NullMarked
package dev.grpcplatform.starter.shutdown;

import org.jspecify.annotations.NullMarked;
