package dev.grpcplatform.user.user;

import java.util.concurrent.atomic.AtomicInteger;

import org.aopalliance.intercept.MethodInterceptor;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Counts the page queries that ListUsers runs by wrapping the real repository bean: the database
 * and the queries stay real. Add it to the application's sources.
 */
class PageQueryCounter implements BeanPostProcessor {

	private final AtomicInteger count = new AtomicInteger();

	int count() {
		return this.count.get();
	}

	void reset() {
		this.count.set(0);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!(bean instanceof UserRepository)) {
			return bean;
		}
		ProxyFactory proxy = new ProxyFactory(bean);
		proxy.addAdvice((MethodInterceptor) (invocation) -> {
			if (invocation.getMethod().getName().startsWith("findPage")) {
				this.count.incrementAndGet();
			}
			return invocation.proceed();
		});
		return proxy.getProxy();
	}

}
