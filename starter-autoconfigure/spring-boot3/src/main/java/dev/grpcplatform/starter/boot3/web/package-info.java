/**
 * Auto-configuration of gRPC-Web and HTTP/JSON transcoding on the application's servlet web server.
 */
@NullMarked
package dev.grpcplatform.starter.boot3.web;

import org.jspecify.annotations.NullMarked;
