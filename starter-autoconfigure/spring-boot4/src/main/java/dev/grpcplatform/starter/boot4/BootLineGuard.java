package dev.grpcplatform.starter.boot4;

import dev.grpcplatform.starter.internal.EdgeGuard;

import org.springframework.boot.SpringBootVersion;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

/**
 * Stops an application at start-up, with one message naming the artifact to use, when this Spring
 * Boot 4.1 edge runs on Spring Boot 3 or beside another line's edge (the core's {@link EdgeGuard}
 * decides, from the {@code META-INF/grpc-platform/edge.properties} of the edges on the class path).
 *
 * <p>An {@link ApplicationContextInitializer}, not an {@code EnvironmentPostProcessor}: Spring Boot 3
 * does not read the {@code org.springframework.boot.EnvironmentPostProcessor} key of this edge, but
 * both lines read initializers from {@code spring.factories} before any auto-configuration. It uses
 * types that both lines have, so it loads on the wrong line too.
 */
public final class BootLineGuard implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

	@Override
	public void initialize(ConfigurableApplicationContext applicationContext) {
		ClassLoader classLoader = applicationContext.getClassLoader();
		check(SpringBootVersion.getVersion(),
				(classLoader != null) ? classLoader : ClassUtils.getDefaultClassLoader());
	}

	static void check(String springBootVersion, ClassLoader classLoader) {
		try {
			EdgeGuard.check(springBootVersion, classLoader);
		}
		catch (IllegalStateException ex) {
			throw new WrongBootLineException(ex.getMessage());
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	/**
	 * Thrown when this edge is on the class path of an application it does not fit.
	 */
	static final class WrongBootLineException extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		WrongBootLineException(String message) {
			super(message);
		}

	}

}
