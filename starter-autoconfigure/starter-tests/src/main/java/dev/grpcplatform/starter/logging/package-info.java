/**
 * The starter's access log tests written once for every edge; each edge's build runs them.
 */
@NullMarked
package dev.grpcplatform.starter.logging;

import org.jspecify.annotations.NullMarked;
