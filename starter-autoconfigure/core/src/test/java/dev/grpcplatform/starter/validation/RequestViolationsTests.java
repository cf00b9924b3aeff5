package dev.grpcplatform.starter.validation;

import build.buf.validate.FieldPath;
import build.buf.validate.FieldPathElement;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RequestViolations}.
 */
class RequestViolationsTests {

	@Test
	void nestedFieldsAreJoinedWithDots() {
		assertThat(FieldPaths.format(path(field("user"), field("name")))).isEqualTo("user.name");
	}

	@Test
	void repeatedFieldsShowTheIndex() {
		assertThat(FieldPaths.format(path(field("roles").setIndex(2).build()))).isEqualTo("roles[2]");
	}

	@Test
	void mapFieldsShowTheKeyOfEachKind() {
		assertThat(FieldPaths.format(path(field("metadata").setStringKey("k").build())))
			.isEqualTo("metadata[\"k\"]");
		assertThat(FieldPaths.format(path(field("byId").setIntKey(-7).build()))).isEqualTo("byId[-7]");
		assertThat(FieldPaths.format(path(field("byId").setUintKey(-1L).build())))
			.isEqualTo("byId[18446744073709551615]");
		assertThat(FieldPaths.format(path(field("flags").setBoolKey(true).build()))).isEqualTo("flags[true]");
	}

	@Test
	void stringKeysAreQuotedSoThatHostileKeysCannotForgeAPath() {
		assertThat(FieldPaths.format(path(field("metadata").setStringKey("a\"].b\\\n").build())))
			.isEqualTo("metadata[\"a\\\"].b\\\\\\u000a\"]");
	}

	@Test
	void pathsMixNestingIndexesAndKeys() {
		assertThat(FieldPaths.format(path(field("items").setIndex(0).build(),
				field("labels").setStringKey("env").build(), field("value"))))
			.isEqualTo("items[0].labels[\"env\"].value");
	}

	private static FieldPathElement.Builder field(String name) {
		return FieldPathElement.newBuilder().setFieldName(name);
	}

	private static FieldPath path(Object... elements) {
		FieldPath.Builder path = FieldPath.newBuilder();
		for (Object element : elements) {
			path.addElements((element instanceof FieldPathElement.Builder builder) ? builder.build()
					: (FieldPathElement) element);
		}
		return path.build();
	}

}
