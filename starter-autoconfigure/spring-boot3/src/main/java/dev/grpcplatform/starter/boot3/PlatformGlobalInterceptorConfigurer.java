package dev.grpcplatform.starter.boot3;

import java.util.List;

import dev.grpcplatform.starter.internal.GlobalGrpcServerInterceptors;
import io.grpc.ServerInterceptor;

import org.springframework.beans.factory.ListableBeanFactory;

import net.devh.boot.grpc.server.interceptor.GlobalServerInterceptorConfigurer;
import net.devh.boot.grpc.server.interceptor.GrpcGlobalServerInterceptor;

/**
 * Adds every bean marked with the platform's
 * {@link dev.grpcplatform.starter.server.GlobalGrpcServerInterceptor} to net.devh's global server
 * interceptors, which net.devh then sorts by the {@code @Order} of each bean.
 */
final class PlatformGlobalInterceptorConfigurer implements GlobalServerInterceptorConfigurer {

	private final ListableBeanFactory beanFactory;

	PlatformGlobalInterceptorConfigurer(ListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void configureServerInterceptors(List<ServerInterceptor> interceptors) {
		for (String name : GlobalGrpcServerInterceptors.beanNames(this.beanFactory, GrpcGlobalServerInterceptor.class)) {
			interceptors.add(GlobalGrpcServerInterceptors.interceptor(this.beanFactory, name));
		}
	}

}
