/**
 * The starter's health tests written once for every edge; each edge's build runs them.
 */
@NullMarked
package dev.grpcplatform.starter.health;

import org.jspecify.annotations.NullMarked;
