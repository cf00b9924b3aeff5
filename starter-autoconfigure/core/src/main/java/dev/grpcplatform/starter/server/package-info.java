/**
 * What every feature of the server shares: facts about the current call and the order of the platform's interceptors.
 */
@NullMarked
package dev.grpcplatform.starter.server;

import org.jspecify.annotations.NullMarked;
