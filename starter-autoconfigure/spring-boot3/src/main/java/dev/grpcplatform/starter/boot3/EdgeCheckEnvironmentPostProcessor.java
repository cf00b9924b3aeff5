package dev.grpcplatform.starter.boot3;

import dev.grpcplatform.starter.internal.EdgeGuard;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Stops start-up at once, with one message naming the artifact to use, when this Spring Boot 3.5
 * edge runs on another Spring Boot line or beside another line's edge; before anything of net.devh
 * fails in a way that does not say why.
 */
class EdgeCheckEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		EdgeGuard.check(SpringBootVersion.getVersion(), application.getClassLoader());
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
