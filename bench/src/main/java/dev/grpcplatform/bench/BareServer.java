package dev.grpcplatform.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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
			// What GrpcServerExecutor.bounded(200, 60s) builds (the starter is not on this class path).
			ThreadPoolExecutor pool = new ThreadPoolExecutor(200, 200, 60, TimeUnit.SECONDS,
					new LinkedBlockingQueue<>());
			pool.allowCoreThreadTimeOut(true);
			builder.executor(pool);
		}
		Server server = builder.build().start();
		Files.writeString(Path.of(args[0]), "port=" + server.getPort() + "\nplatform=false\n", StandardCharsets.UTF_8);
		server.awaitTermination();
	}

}
