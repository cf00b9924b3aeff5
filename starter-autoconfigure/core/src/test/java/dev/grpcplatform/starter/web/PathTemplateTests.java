package dev.grpcplatform.starter.web;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PathTemplate}.
 */
class PathTemplateTests {

	@Test
	void variablesBindNestedFieldsAndDecodeTheirValues() {
		PathTemplate template = PathTemplate.parse("/v1/shelves/{shelf}/books/{book.id}");
		assertThat(template.match("/v1/shelves/s%201/books/b%C3%A9")).containsExactly(Map.entry("shelf", "s 1"),
				Map.entry("book.id", "bé"));
		assertThat(template.match("/v1/shelves/s1/books")).isNull();
		assertThat(template.match("/v1/shelves/s1/books/b/c")).isNull();
	}

	@Test
	void multiSegmentVariablesKeepEncodedSlashes() {
		PathTemplate template = PathTemplate.parse("/v1/{name=shelves/*/books/**}:publish");
		assertThat(template.match("/v1/shelves/a/books/x/y%2Fz:publish")).containsEntry("name", "shelves/a/books/x/y%2Fz");
		assertThat(template.match("/v1/shelves/a/books/x")).isNull();
		assertThat(template.literals()).isEqualTo(1);
	}

	@Test
	void malformedTemplatesAndValuesAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> PathTemplate.parse("v1/items"));
		assertThatIllegalArgumentException().isThrownBy(() -> PathTemplate.parse("/v1/{id"));
		assertThatIllegalArgumentException().isThrownBy(() -> PathTemplate.parse("/v1/{1id}"));
		assertThatIllegalArgumentException().isThrownBy(() -> PathTemplate.parse("/v1/items/{id}").match("/v1/items/%zz"));
	}

}
