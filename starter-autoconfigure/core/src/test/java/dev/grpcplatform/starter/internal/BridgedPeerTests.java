package dev.grpcplatform.starter.internal;

import java.net.InetSocketAddress;

import io.grpc.inprocess.InProcessSocketAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BridgedPeer}.
 */
class BridgedPeerTests {

	@Test
	void networkClientCannotClaimAnotherAddress() {
		InetSocketAddress network = new InetSocketAddress("10.0.0.7", 51234);
		assertThat(BridgedPeer.resolve(network, "203.0.113.9:1")).isSameAs(network);
	}

	@Test
	void otherInProcessServersAreNotBelieved() {
		InProcessSocketAddress test = new InProcessSocketAddress("test-server");
		assertThat(BridgedPeer.resolve(test, "203.0.113.9:1")).isSameAs(test);
	}

	@Test
	void bridgeCallsReportTheHttpClient() {
		InProcessSocketAddress bridge = new InProcessSocketAddress(BridgedPeer.SERVER_NAME_PREFIX + "x");
		assertThat(BridgedPeer.resolve(bridge, "203.0.113.9:4321"))
			.isEqualTo(InetSocketAddress.createUnresolved("203.0.113.9", 4321));
		assertThat(BridgedPeer.resolve(bridge, "[2001:db8::1]:443"))
			.isEqualTo(InetSocketAddress.createUnresolved("2001:db8::1", 443));
		assertThat(BridgedPeer.resolve(bridge, "garbage")).isSameAs(bridge);
		assertThat(BridgedPeer.resolve(bridge, null)).isSameAs(bridge);
	}

}
