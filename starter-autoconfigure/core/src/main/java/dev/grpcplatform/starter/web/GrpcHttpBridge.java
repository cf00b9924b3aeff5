package dev.grpcplatform.starter.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.grpcplatform.starter.internal.BridgedPeer;
import dev.grpcplatform.starter.internal.GrpcServerLifecycleListener;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;

/**
 * The in-process gRPC server behind gRPC-Web and JSON transcoding: once the application's gRPC
 * server has started, it serves the same service definitions (with the interceptors they were bound
 * with) on an in-process transport, with the stream tracers, limits and executor the edge applies
 * to the network server, so that every HTTP request is a real gRPC call through the same chain.
 *
 * <p>For the edges: each creates one bean with the function that applies its server builder
 * customizations; not API.
 */
public final class GrpcHttpBridge implements GrpcServerLifecycleListener, Ordered {

	private final Consumer<ServerBuilder<?>> customizer;

	private final String name = BridgedPeer.SERVER_NAME_PREFIX + UUID.randomUUID();

	private volatile @Nullable State state;

	/**
	 * Creates a bridge.
	 * @param customizer applies the edge's builder customizations (stream tracers, limits,
	 * executor) to the in-process server builder
	 */
	public GrpcHttpBridge(Consumer<ServerBuilder<?>> customizer) {
		this.customizer = customizer;
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
