/**
 * gRPC-Web and HTTP/JSON transcoding served by the application's own servlet web server, each HTTP
 * request dispatched as a real gRPC call through the platform's interceptors and stream tracers.
 */
@NullMarked
package dev.grpcplatform.starter.web;

import org.jspecify.annotations.NullMarked;
