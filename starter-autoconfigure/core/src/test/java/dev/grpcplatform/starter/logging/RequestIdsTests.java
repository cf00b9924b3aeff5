package dev.grpcplatform.starter.logging;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RequestIds}.
 */
class RequestIdsTests {

	@Test
	void commonRequestIdFormatsFromCallersAreKept() {
		assertThat(RequestIds.fromCaller("3f2504e0-4f89-11d3-9a0c-0305e82c3301"))
			.isEqualTo("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
		assertThat(RequestIds.fromCaller("4bf92f3577b34da6a3ce929d0e0e4736"))
			.isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
		assertThat(RequestIds.fromCaller("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")).isNull();
		assertThat(RequestIds.fromCaller("req_1.2:3/4+5=6@7~8")).isEqualTo("req_1.2:3/4+5=6@7~8");
		assertThat(RequestIds.fromCaller("x".repeat(RequestIds.MAX_LENGTH))).hasSize(RequestIds.MAX_LENGTH);
	}

	@Test
	void absentEmptyOverlongAndUnsafeRequestIdsAreRejected() {
		assertThat(RequestIds.fromCaller(null)).isNull();
		assertThat(RequestIds.fromCaller("")).isNull();
		assertThat(RequestIds.fromCaller("x".repeat(RequestIds.MAX_LENGTH + 1))).isNull();
		assertThat(RequestIds.fromCaller("two words")).isNull();
		assertThat(RequestIds.fromCaller("line\nbreak")).isNull();
		assertThat(RequestIds.fromCaller("quote\"d")).isNull();
		assertThat(RequestIds.fromCaller("<b>")).isNull();
		assertThat(RequestIds.fromCaller("caf\u00e9")).isNull();
	}

	@Test
	void generatedRequestIdsAre32HexDigitsAndDistinct() {
		Set<String> ids = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			String id = RequestIds.generate();
			assertThat(id).matches("[0-9a-f]{32}");
			ids.add(id);
		}
		assertThat(ids).hasSize(1000);
	}

}
