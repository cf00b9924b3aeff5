package dev.grpcplatform.starter.logging;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the logfmt values of {@link GrpcAccessLog}.
 */
class GrpcAccessLogTests {

	@Test
	void plainValuesAreWrittenAsTheyAre() {
		assertThat(value("platform.user.v1.UserService/GetUser")).isEqualTo("platform.user.v1.UserService/GetUser");
		assertThat(value("127.0.0.1:5000")).isEqualTo("127.0.0.1:5000");
	}

	@Test
	void valuesThatCouldStartAnotherFieldAreQuoted() {
		assertThat(value("alice smith")).isEqualTo("\"alice smith\"");
		assertThat(value("a=b")).isEqualTo("\"a=b\"");
		assertThat(value("")).isEqualTo("\"\"");
	}

	@Test
	void quotesBackslashesAndControlCharactersCannotEndTheValueOrTheLine() {
		assertThat(value("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
		assertThat(value("back\\slash")).isEqualTo("\"back\\\\slash\"");
		assertThat(value("two\nlines\r\tand")).isEqualTo("\"two\\nlines\\r\\tand\"");
		assertThat(value("bell\u0007")).isEqualTo("\"bell\\u0007\"");
		assertThat(value("evil\u202eright-to-left")).isEqualTo("\"evil\\u202eright-to-left\"");
		assertThat(value("caf\u00e9")).isEqualTo("\"caf\u00e9\"");
		assertThat(value("del\u007f")).isEqualTo("\"del\\u007f\"");
		assertThat(value("lone\ud800 pair\ud83d\ude00")).isEqualTo("\"lone\\ud800 pair\ud83d\ude00\"");
	}

	@Test
	void quotedValuesAreJsonStringsEvenWhenPlain() {
		StringBuilder json = new StringBuilder();
		GrpcAccessLog.appendQuoted(json, "plain");
		assertThat(json).hasToString("\"plain\"");
	}

	private static String value(String value) {
		StringBuilder line = new StringBuilder();
		GrpcAccessLog.appendValue(line, value);
		return line.toString();
	}

}
