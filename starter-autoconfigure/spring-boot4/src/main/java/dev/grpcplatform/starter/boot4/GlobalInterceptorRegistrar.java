package dev.grpcplatform.starter.boot4;

import dev.grpcplatform.starter.internal.GlobalGrpcServerInterceptors;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.Ordered;
import org.springframework.grpc.server.GlobalServerInterceptor;

/**
 * Registers every bean marked with the platform's
 * {@link dev.grpcplatform.starter.server.GlobalGrpcServerInterceptor} as a global interceptor of Spring
 * Boot's gRPC server: spring-grpc only looks for its own {@link GlobalServerInterceptor} annotation,
 * so each such bean gets a companion bean that carries it and the bean's order.
 */
final class GlobalInterceptorRegistrar implements BeanDefinitionRegistryPostProcessor {

	static final String SUFFIX = ".grpcPlatformGlobalInterceptor";

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
		if (!(registry instanceof ListableBeanFactory beanFactory)) {
			return;
		}
		for (String name : GlobalGrpcServerInterceptors.beanNames(beanFactory, GlobalServerInterceptor.class)) {
			RootBeanDefinition definition = new RootBeanDefinition(OrderedGlobalInterceptor.class, () -> {
				ServerInterceptor interceptor = GlobalGrpcServerInterceptors.interceptor(beanFactory, name);
				return new OrderedGlobalInterceptor(interceptor,
						GlobalGrpcServerInterceptors.order(beanFactory, name, interceptor));
			});
			registry.registerBeanDefinition(name + SUFFIX, definition);
		}
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
	}

	/**
	 * A platform global interceptor as spring-grpc finds its own: annotated, and ordered as the bean
	 * it stands for.
	 */
	@GlobalServerInterceptor
	static final class OrderedGlobalInterceptor implements ServerInterceptor, Ordered {

		private final ServerInterceptor delegate;

		private final int order;

		OrderedGlobalInterceptor(ServerInterceptor delegate, int order) {
			this.delegate = delegate;
			this.order = order;
		}

		@Override
		public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
				ServerCallHandler<ReqT, RespT> next) {
			return this.delegate.interceptCall(call, headers, next);
		}

		@Override
		public int getOrder() {
			return this.order;
		}

		@Override
		public String toString() {
			return this.delegate.toString();
		}

	}

}
