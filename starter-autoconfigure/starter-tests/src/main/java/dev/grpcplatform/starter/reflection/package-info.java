/**
 * The starter's reflection tests written once for every edge; each edge's build runs them.
 */
@NullMarked
package dev.grpcplatform.starter.reflection;

import org.jspecify.annotations.NullMarked;
