/**
 * The starter's limits tests written once for every edge; each edge's build runs them.
 */
@NullMarked
package dev.grpcplatform.starter.limits;

import org.jspecify.annotations.NullMarked;
