package dev.grpcplatform.starter.boot3.web;

import dev.grpcplatform.starter.boot3.limits.GrpcLimitsAutoConfiguration;
import dev.grpcplatform.starter.limits.GrpcLimitsProperties;
import dev.grpcplatform.starter.limits.GrpcServerExecutor;
import dev.grpcplatform.starter.web.GrpcHttpBridge;
import dev.grpcplatform.starter.web.GrpcHttpFilter;
import dev.grpcplatform.starter.web.GrpcHttpProperties;
import jakarta.servlet.http.HttpFilter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of
 * gRPC-Web and HTTP/JSON transcoding on the application's servlet web server, when
 * {@code platform.grpc.http.grpc-web.enabled} or {@code platform.grpc.http.json.enabled} is
 * {@code true}: an in-process server with net.devh's services and every {@link GrpcServerConfigurer}
 * (the platform's stream tracers, limits and executor), and the filter that dispatches to it.
 */
@AutoConfiguration(after = GrpcLimitsAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ HttpFilter.class, FilterRegistrationBean.class, GrpcServerConfigurer.class })
@ConditionalOnExpression("${platform.grpc.http.grpc-web.enabled:false} or ${platform.grpc.http.json.enabled:false}")
@EnableConfigurationProperties(GrpcHttpProperties.class)
public final class GrpcHttpAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GrpcHttpBridge grpcHttpBridge(ObjectProvider<GrpcServerConfigurer> configurers,
			ObjectProvider<GrpcServerExecutor> executor) {
		return new GrpcHttpBridge(
				(builder) -> configurers.orderedStream().forEach((configurer) -> configurer.accept(builder)),
				executor.stream().map(GrpcServerExecutor::getExecutor).findFirst().orElse(null));
	}

	@Bean
	FilterRegistrationBean<GrpcHttpFilter> grpcHttpFilterRegistration(GrpcHttpProperties properties,
			GrpcHttpBridge bridge, ObjectProvider<GrpcLimitsProperties> limits, Environment environment) {
		return GrpcHttpFilter.registration(properties, bridge, limits.getIfAvailable(GrpcLimitsProperties::new),
				environment);
	}

}
