package dev.grpcplatform.starter.boot4;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

/**
 * Stops an application at start-up when this edge is on the wrong class path: on Spring Boot 3
 * (where {@code grpc-platform-spring-boot3-starter} is the one to use), or together with the Spring
 * Boot 3.5 edge, with one message that names the artifact to use.
 *
 * <p>Registered as an {@link ApplicationContextInitializer}, a contract both Boot lines load from
 * {@code spring.factories} before any auto-configuration, so it speaks before anything fails for a
 * less obvious reason. It uses only Spring Framework types for the same reason.
 */
public final class BootLineGuard implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

	/**
	 * Artifact of this edge.
	 */
	static final String ARTIFACT = "grpc-platform-spring-boot4-starter";

	/**
	 * Artifact of the Spring Boot 3.5 edge.
	 */
	static final String BOOT3_ARTIFACT = "grpc-platform-spring-boot3-starter";

	/**
	 * Class file of a type that exists from Spring Boot 4.0 on.
	 */
	static final String BOOT4_MARKER = "org/springframework/boot/EnvironmentPostProcessor.class";

	/**
	 * Class file of the Spring Boot 3.5 edge's auto-configuration.
	 */
	static final String BOOT3_EDGE_MARKER = "dev/grpcplatform/starter/boot3/PlatformServerAutoConfiguration.class";

	@Override
	public void initialize(ConfigurableApplicationContext applicationContext) {
		String problem = problem(applicationContext.getClassLoader());
		if (problem != null) {
			throw new WrongBootLineException(problem);
		}
	}

	/**
	 * Describes what is wrong with the given class path for this edge.
	 * @param classLoader class loader of the application
	 * @return the description, or {@code null} when this edge fits
	 */
	static @Nullable String problem(@Nullable ClassLoader classLoader) {
		ClassLoader loader = (classLoader != null) ? classLoader : ClassUtils.getDefaultClassLoader();
		boolean boot4 = isPresent(BOOT4_MARKER, loader);
		boolean boot3Edge = isPresent(BOOT3_EDGE_MARKER, loader);
		if (!boot4) {
			return ARTIFACT + " is for Spring Boot 4.1, but this application runs on Spring Boot "
					+ bootVersion(classLoader) + ": use " + BOOT3_ARTIFACT + " instead"
					+ (boot3Edge ? " and remove " + ARTIFACT : "") + ".";
		}
		if (boot3Edge) {
			return ARTIFACT + " and " + BOOT3_ARTIFACT + " are both on the class path of this Spring Boot 4 "
					+ "application: keep " + ARTIFACT + " and remove " + BOOT3_ARTIFACT + " (it is for Spring Boot 3.5).";
		}
		return null;
	}

	// Class files, not classes: looking at them loads nothing, whatever the class path holds.
	private static boolean isPresent(String classFile, @Nullable ClassLoader classLoader) {
		return classLoader != null && classLoader.getResource(classFile) != null;
	}

	private static String bootVersion(@Nullable ClassLoader classLoader) {
		try {
			Class<?> version = ClassUtils.forName("org.springframework.boot.SpringBootVersion", classLoader);
			Object value = version.getMethod("getVersion").invoke(null);
			return (value != null) ? value.toString() : "3";
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			return "3";
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
