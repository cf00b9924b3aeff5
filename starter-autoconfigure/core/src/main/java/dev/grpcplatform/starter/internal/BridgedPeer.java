package dev.grpcplatform.starter.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.grpc.Metadata;
import io.grpc.inprocess.InProcessSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * The address of the HTTP client behind a call that the platform's HTTP bridge (gRPC-Web, JSON
 * transcoding) dispatched through its in-process server, so that the access log and spans name the
 * real client rather than the in-process transport.
 *
 * <p>The bridge sends the address in {@link #KEY}; it is believed only on a transport of the
 * bridge's own in-process server (whose name starts with {@link #SERVER_NAME_PREFIX} and a random
 * part), never from a network client.
 */
public final class BridgedPeer {

	/**
	 * Metadata key the bridge carries the HTTP client's address in ({@code host:port}).
	 */
	public static final Metadata.Key<String> KEY = Metadata.Key.of("x-grpc-platform-http-peer",
			Metadata.ASCII_STRING_MARSHALLER);

	/**
	 * Start of the name of every in-process server of the HTTP bridge.
	 */
	public static final String SERVER_NAME_PREFIX = "grpc-platform-http-bridge-";

	private BridgedPeer() {
	}

	/**
	 * Returns the address to report for a call.
	 * @param transportPeer remote address of the call's transport
	 * @param bridged value of {@link #KEY} in the call's headers, if any
	 * @return the HTTP client's address for bridged calls, otherwise the transport's
	 */
	public static @Nullable SocketAddress resolve(@Nullable SocketAddress transportPeer, @Nullable String bridged) {
		if (bridged == null || !(transportPeer instanceof InProcessSocketAddress inProcess)
				|| !inProcess.getName().startsWith(SERVER_NAME_PREFIX)) {
			return transportPeer;
		}
		int colon = bridged.lastIndexOf(':');
		if (colon <= 0) {
			return transportPeer;
		}
		try {
			String host = bridged.substring(0, colon);
			if (host.startsWith("[") && host.endsWith("]")) {
				host = host.substring(1, host.length() - 1);
			}
			return InetSocketAddress.createUnresolved(host, Integer.parseInt(bridged.substring(colon + 1)));
		}
		catch (IllegalArgumentException ex) {
			return transportPeer;
		}
	}

}
