package dev.grpcplatform.chat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChatServiceApplication}.
 */
class ChatServiceApplicationTests {

	@Test
	void excludedAutoConfigurationsAreThoseOfTheSpringBootLineItIsBuiltOn() {
		ClassLoader classLoader = getClass().getClassLoader();
		List<String> excluded = Arrays
			.asList(ChatServiceApplication.class.getAnnotation(SpringBootApplication.class).excludeName());
		List<String> present = excluded.stream().filter((name) -> ClassUtils.isPresent(name, classLoader)).toList();
		// Spring Data's web support and repository metrics of this line: a renamed one would be
		// configured again without notice.
		assertThat(present).hasSize(2);
		assertThat(ImportCandidates.load(AutoConfiguration.class, classLoader).getCandidates()).containsAll(present);
	}

}
