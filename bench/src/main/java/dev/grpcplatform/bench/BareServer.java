package dev.grpcplatform.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.grpcplatform.starter.limits.GrpcServerExecutor;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

/**
 * Variant (a): the bench service on a bare grpc-java Netty server with grpc-java's defaults; with
 * {@code executor=bounded}, variant (a-pool): the same with the executor the platform's limits
 * feature installs, to tell the executor's share of a difference from the interceptors'.
 */
public final class BareServer {

	private BareServer() {
	}

	/**
	 * Starts the server on a free loopback port and writes {@code port=<port>} to the given file.
	 * @param args the port file, then optionally {@code executor=bounded}
	 * @throws IOException if the server cannot start
	 * @throws InterruptedException when interrupted while serving
	 */
	public static void main(String[] args) throws IOException, InterruptedException {
		NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
			.addService(new BenchServiceImpl());
		if (List.of(args).contains("executor=bounded")) {
			// The platform's own pool with its defaults (only the platform's core is on this class path).
			builder.executor(GrpcServerExecutor.bounded(200, Duration.ofSeconds(60)).getExecutor());
		}
		Server server = builder.build().start();
		Files.writeString(Path.of(args[0]), "port=" + server.getPort() + "\nplatform=false\n", StandardCharsets.UTF_8);
		server.awaitTermination();
	}

}
