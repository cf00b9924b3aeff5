/**
 * Tests of gRPC-Web and HTTP/JSON transcoding on a running application, over real sockets.
 */
@NullMarked
package dev.grpcplatform.starter.web;

import org.jspecify.annotations.NullMarked;
