package dev.grpcplatform.starter.internal;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;

import dev.grpcplatform.starter.server.GlobalGrpcServerInterceptor;
import io.grpc.ServerInterceptor;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Finds the {@link GlobalGrpcServerInterceptor} beans an edge registers with its base's global
 * server interceptors.
 */
public final class GlobalGrpcServerInterceptors {

	private GlobalGrpcServerInterceptors() {
	}

	/**
	 * Returns the names of the beans marked {@link GlobalGrpcServerInterceptor} that the base does
	 * not register by itself already.
	 * @param beanFactory the bean factory
	 * @param baseAnnotation the base's own global interceptor annotation
	 * @return the bean names
	 */
	public static List<String> beanNames(ListableBeanFactory beanFactory, Class<? extends Annotation> baseAnnotation) {
		List<String> names = new ArrayList<>();
		for (String name : beanFactory.getBeanDefinitionNames()) {
			// Without initializing factory beans: the Spring Boot 4.1 edge asks before any bean exists.
			if (!isAbstract(beanFactory, name)
					&& beanFactory.findAnnotationOnBean(name, GlobalGrpcServerInterceptor.class, false) != null
					&& beanFactory.findAnnotationOnBean(name, baseAnnotation, false) == null) {
				names.add(name);
			}
		}
		return names;
	}

	private static boolean isAbstract(ListableBeanFactory beanFactory, String name) {
		return beanFactory instanceof ConfigurableListableBeanFactory configurable
				&& configurable.getBeanDefinition(name).isAbstract();
	}

	/**
	 * Returns the interceptor bean of the given name.
	 * @param beanFactory the bean factory
	 * @param name the bean's name
	 * @return the interceptor
	 * @throws IllegalStateException if the bean is no {@link ServerInterceptor}
	 */
	public static ServerInterceptor interceptor(ListableBeanFactory beanFactory, String name) {
		Object bean = beanFactory.getBean(name);
		if (!(bean instanceof ServerInterceptor interceptor)) {
			throw new IllegalStateException("Bean '" + name + "' is marked @GlobalGrpcServerInterceptor but is a "
					+ bean.getClass().getName() + ", not an io.grpc.ServerInterceptor");
		}
		return interceptor;
	}

	/**
	 * Returns the order of the interceptor bean of the given name: its {@code @Order} (on the
	 * {@code @Bean} method or the class), else its {@link Ordered#getOrder()}, else the lowest
	 * precedence.
	 * @param beanFactory the bean factory
	 * @param name the bean's name
	 * @param interceptor the bean
	 * @return the order
	 */
	public static int order(ListableBeanFactory beanFactory, String name, ServerInterceptor interceptor) {
		Order order = beanFactory.findAnnotationOnBean(name, Order.class);
		if (order != null) {
			return order.value();
		}
		return (interceptor instanceof Ordered ordered) ? ordered.getOrder() : Ordered.LOWEST_PRECEDENCE;
	}

}
