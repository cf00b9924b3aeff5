package dev.grpcplatform.starter.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.grpcplatform.starter.internal.BridgedPeer;
import dev.grpcplatform.starter.internal.GrpcServerLifecycleListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerBuilder;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The in-process gRPC server behind gRPC-Web and JSON transcoding: once the application's gRPC
 * server has started, it serves the same service definitions (with the interceptors they were bound
 * with) on an in-process transport, with the stream tracers and limits the edge applies to the
 * network server, so that every HTTP request is a real gRPC call through the same chain. Unary
 * handlers run on the thread that serves the HTTP request (the web server's pool bounds them),
 * streaming handlers on the gRPC server's executor.
 *
 * <p>For the edges: each creates one bean with the function that applies its server builder
 * customizations; not API.
 */
public final class GrpcHttpBridge implements GrpcServerLifecycleListener, Ordered {

	private final Consumer<ServerBuilder<?>> customizer;

	private final @Nullable Executor streamingExecutor;

	private @Nullable ExecutorService ownExecutor;

	private final String name = BridgedPeer.SERVER_NAME_PREFIX + UUID.randomUUID();

	private volatile @Nullable State state;

	/**
	 * Creates a bridge.
	 * @param customizer applies the edge's builder customizations (stream tracers, limits) to the
	 * in-process server builder
	 * @param streamingExecutor runs streaming handlers (the gRPC server's executor), or {@code null}
	 * for a pool of the bridge's own
	 */
	public GrpcHttpBridge(Consumer<ServerBuilder<?>> customizer, @Nullable Executor streamingExecutor) {
		this.customizer = customizer;
		this.streamingExecutor = streamingExecutor;
	}

	@Override
	public synchronized void serverStarted(Server server) {
		if (this.state != null) {
			return;
		}
		InProcessServerBuilder builder = InProcessServerBuilder.forName(this.name);
		List<ServerServiceDefinition> services = server.getServices();
		services.forEach(builder::addService);
		this.customizer.accept(builder);
		// A unary handler runs on the HTTP request's own thread (the web server's pool bounds it), as a
		// controller does: handing each call to the gRPC executor and back cost two thread switches.
		// Streaming handlers run on the gRPC executor, so that the request thread stays free to notice a
		// client that goes away (which cancels the call) while the handler sends.
		Executor streaming = streamingExecutor();
		builder.directExecutor();
		builder.callExecutor(new ServerCallExecutorSupplier() {

			@Override
			public <ReqT, RespT> @Nullable Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata metadata) {
				return (call.getMethodDescriptor().getType() == MethodDescriptor.MethodType.UNARY) ? null : streaming;
			}

		});
		Server inProcess;
		try {
			inProcess = builder.build().start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the in-process server of gRPC-Web and JSON", ex);
		}
		// Responses pass through as the handlers produced them; the caller's own limits apply on its side.
		ManagedChannel channel = InProcessChannelBuilder.forName(this.name)
			.directExecutor()
			.maxInboundMessageSize(Integer.MAX_VALUE)
			.build();
		Map<String, ServerMethodDefinition<?, ?>> methods = new HashMap<>();
		for (ServerServiceDefinition service : services) {
			for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
				methods.put(method.getMethodDescriptor().getFullMethodName(), method);
			}
		}
		this.state = new State(inProcess, channel, services, Map.copyOf(methods), new ConcurrentHashMap<>());
	}

	private Executor streamingExecutor() {
		if (this.streamingExecutor != null) {
			return this.streamingExecutor;
		}
		// Without the platform's executor (limits off): a pool of its own, as grpc-java's default.
		CustomizableThreadFactory threads = new CustomizableThreadFactory("grpc-http-stream-");
		threads.setDaemon(true);
		ExecutorService own = Executors.newCachedThreadPool(threads);
		this.ownExecutor = own;
		return own;
	}

	@Override
	public void shutdownStarted(Server server) {
		State state = this.state;
		if (state != null) {
			// New HTTP calls end with UNAVAILABLE; calls in flight go on while the network server drains.
			state.server.shutdown();
		}
	}

	@Override
	public void serverTerminated(Server server) {
		State state = this.state;
		if (state != null) {
			state.server.shutdownNow();
			state.channel.shutdownNow();
			try {
				state.server.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		ExecutorService own = this.ownExecutor;
		if (own != null) {
			own.shutdownNow();
		}
	}

	@Override
	public int getOrder() {
		// Before graceful shutdown, which blocks while the network server drains.
		return Ordered.HIGHEST_PRECEDENCE + 10;
	}

	/**
	 * Returns the state of the running bridge.
	 * @return the state, or {@code null} before the gRPC server started
	 */
	@Nullable State state() {
		return this.state;
	}

	/**
	 * The running in-process server, the channel to it and what it serves.
	 * @param server the in-process server
	 * @param channel channel to it
	 * @param services the services it serves
	 * @param methods its methods by full name
	 * @param webMethods byte-level descriptors of served methods, as gRPC-Web calls them
	 */
	record State(Server server, ManagedChannel channel, List<ServerServiceDefinition> services,
			Map<String, ServerMethodDefinition<?, ?>> methods, Map<String, MethodDescriptor<byte[], byte[]>> webMethods) {
	}

}
