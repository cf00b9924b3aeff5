package dev.grpcplatform.starter.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Health of a downstream dependency that a test switches up and down, seen by Actuator as the
 * health indicator {@code downstream} on either Spring Boot line. Import {@link Registrar}.
 *
 * <p>Actuator's health types moved in Spring Boot 4 ({@code org.springframework.boot.actuate.health}
 * became {@code org.springframework.boot.health.contributor}); the indicator implements whichever
 * the running line has, so that one test checks both.
 */
public final class DownstreamHealth {

	private static final String[] HEALTH_PACKAGES = { "org.springframework.boot.health.contributor",
			"org.springframework.boot.actuate.health" };

	private volatile boolean up = true;

	/**
	 * Reports the dependency up.
	 */
	public void up() {
		this.up = true;
	}

	/**
	 * Reports the dependency down, with the detail {@code connection: refused}.
	 */
	public void down() {
		this.up = false;
	}

	private Object health(String healthPackage) throws ReflectiveOperationException {
		Class<?> health = ClassUtils.forName(healthPackage + ".Health", null);
		Object builder = health.getMethod(this.up ? "up" : "down").invoke(null);
		if (!this.up) {
			builder = builder.getClass().getMethod("withDetail", String.class, Object.class).invoke(builder, "connection",
					"refused");
		}
		return builder.getClass().getMethod("build").invoke(builder);
	}

	/**
	 * Registers {@link DownstreamHealth} and the indicator {@code downstreamHealthIndicator} that
	 * reports it.
	 */
	public static final class Registrar implements ImportBeanDefinitionRegistrar {

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			registry.registerBeanDefinition("downstreamHealth", new RootBeanDefinition(DownstreamHealth.class));
			String healthPackage = healthPackage();
			Class<?> indicatorType = ClassUtils.resolveClassName(healthPackage + ".HealthIndicator", null);
			BeanFactory beanFactory = (BeanFactory) registry;
			RootBeanDefinition indicator = new RootBeanDefinition(indicatorType);
			indicator.setInstanceSupplier(() -> Proxy.newProxyInstance(indicatorType.getClassLoader(),
					new Class<?>[] { indicatorType },
					new Indicator(beanFactory.getBean(DownstreamHealth.class), healthPackage)));
			registry.registerBeanDefinition("downstreamHealthIndicator", indicator);
		}

		private static String healthPackage() {
			for (String candidate : HEALTH_PACKAGES) {
				if (ClassUtils.isPresent(candidate + ".HealthIndicator", null)) {
					return candidate;
				}
			}
			throw new IllegalStateException("No Actuator HealthIndicator on the class path");
		}

	}

	private record Indicator(DownstreamHealth state, String healthPackage) implements InvocationHandler {

		@Override
		public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
			return switch (method.getName()) {
				case "health", "getHealth" -> this.state.health(this.healthPackage);
				case "toString" -> "DownstreamHealthIndicator";
				case "hashCode" -> System.identityHashCode(proxy);
				case "equals" -> proxy == args[0];
				default -> throw new UnsupportedOperationException(method.toString());
			};
		}

	}

}
