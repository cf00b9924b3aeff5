package dev.grpcplatform.user.testing;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.StatusOr;

/**
 * Name resolver of a fixed list of loopback ports, as a DNS name with one A record per instance
 * (a Kubernetes headless service) resolves: a client with {@code round_robin} connects to each.
 */
public final class StaticAddresses {

	private static final String SCHEME = "static-test";

	private static final Map<String, List<EquivalentAddressGroup>> TARGETS = new ConcurrentHashMap<>();

	private static final AtomicInteger NEXT = new AtomicInteger();

	static {
		NameResolverRegistry.getDefaultRegistry().register(new Provider());
	}

	private StaticAddresses() {
	}

	/**
	 * Returns a channel target that resolves to the given ports of 127.0.0.1.
	 * @param ports the ports
	 * @return the target, e.g. {@code static-test:///instances-1}
	 */
	public static String target(int... ports) {
		String name = "instances-" + NEXT.incrementAndGet();
		TARGETS.put(name, java.util.Arrays.stream(ports)
			.mapToObj((port) -> new EquivalentAddressGroup(new InetSocketAddress("127.0.0.1", port)))
			.toList());
		return SCHEME + ":///" + name;
	}

	private static final class Provider extends NameResolverProvider {

		@Override
		protected boolean isAvailable() {
			return true;
		}

		@Override
		protected int priority() {
			return 5;
		}

		@Override
		public String getDefaultScheme() {
			return SCHEME;
		}

		@Override
		public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
			return List.of(InetSocketAddress.class);
		}

		@Override
		public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
			if (!SCHEME.equals(targetUri.getScheme())) {
				return null;
			}
			List<EquivalentAddressGroup> addresses = TARGETS.get(targetUri.getPath().substring(1));
			return new NameResolver() {

				@Override
				public String getServiceAuthority() {
					return "user-service";
				}

				@Override
				public void start(Listener2 listener) {
					listener.onResult(ResolutionResult.newBuilder()
						.setAddressesOrError(StatusOr.fromValue(addresses))
						.build());
				}

				@Override
				public void shutdown() {
				}

			};
		}

	}

}
