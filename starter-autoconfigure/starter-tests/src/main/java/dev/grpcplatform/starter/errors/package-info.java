/**
 * The starter's errors tests written once for every edge; each edge's build runs them.
 */
@NullMarked
package dev.grpcplatform.starter.errors;

import org.jspecify.annotations.NullMarked;
