package dev.grpcplatform.starter.web;

/**
 * Sizes the HTTP bridge accepts, the same as the gRPC server's.
 *
 * @param maxMessageSize largest request message in bytes
 * @param maxMetadataSize largest request metadata (headers) in bytes
 */
record HttpLimits(long maxMessageSize, long maxMetadataSize) {
}
