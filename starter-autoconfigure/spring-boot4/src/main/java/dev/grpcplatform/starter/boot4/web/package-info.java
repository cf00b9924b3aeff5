/**
 * Auto-configuration of gRPC-Web and HTTP/JSON transcoding on the application's servlet web server.
 */
@NullMarked
package dev.grpcplatform.starter.boot4.web;

import org.jspecify.annotations.NullMarked;
