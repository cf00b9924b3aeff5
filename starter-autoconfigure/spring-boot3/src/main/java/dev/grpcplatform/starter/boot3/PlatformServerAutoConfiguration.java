package dev.grpcplatform.starter.boot3;

import dev.grpcplatform.starter.internal.GrpcServerLifecycleListener;
import dev.grpcplatform.starter.internal.GrpcServerLifecycleListeners;
import dev.grpcplatform.starter.internal.LocalGrpcPortPublisher;
import dev.grpcplatform.starter.server.GrpcServerBuilderCustomizer;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

import net.devh.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration;
import net.devh.boot.grpc.server.event.GrpcServerLifecycleEvent;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;
import net.devh.boot.grpc.server.service.GrpcServiceDiscoverer;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of what
 * every platform feature shares on net.devh: the one adapter from net.devh's server lifecycle to the
 * platform's, the platform's {@link dev.grpcplatform.starter.server.GlobalGrpcServerInterceptor global
 * interceptors} among net.devh's, the {@link GrpcServerBuilderCustomizer} beans as a net.devh
 * {@code GrpcServerConfigurer}, {@code local.grpc.port}, and the discovery of every {@code BindableService} bean.
 */
@AutoConfiguration(before = GrpcServerAutoConfiguration.class)
@ConditionalOnClass(GrpcServerLifecycleEvent.class)
public final class PlatformServerAutoConfiguration {

	@Bean
	static NetDevhServerLifecycleAdapter grpcPlatformServerLifecycleAdapter(
			ObjectProvider<GrpcServerLifecycleListener> listeners) {
		return new NetDevhServerLifecycleAdapter(new GrpcServerLifecycleListeners(listeners));
	}

	@Bean
	static PlatformGlobalInterceptorConfigurer grpcPlatformGlobalInterceptorConfigurer(ListableBeanFactory beanFactory) {
		return new PlatformGlobalInterceptorConfigurer(beanFactory);
	}

	@Bean
	GrpcServerConfigurer grpcPlatformServerBuilderCustomizers(ObjectProvider<GrpcServerBuilderCustomizer> customizers) {
		return (builder) -> customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
	}

	@Bean
	static LocalGrpcPortPublisher grpcLocalPortPublisher(ConfigurableEnvironment environment) {
		return new LocalGrpcPortPublisher(environment);
	}

	@Bean
	@ConditionalOnMissingBean
	GrpcServiceDiscoverer grpcPlatformServiceDiscoverer() {
		return new BindableServiceDiscoverer();
	}

}
