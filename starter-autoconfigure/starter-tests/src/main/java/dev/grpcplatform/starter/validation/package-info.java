/**
 * The starter's validation tests written once for every edge; each edge's build runs them.
 */
@NullMarked
package dev.grpcplatform.starter.validation;

import org.jspecify.annotations.NullMarked;
