/**
 * The starter's security tests written once for every edge; each edge's build runs them.
 */
@NullMarked
package dev.grpcplatform.starter.security;

import org.jspecify.annotations.NullMarked;
