package dev.grpcplatform.starter.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link io.grpc.ServerInterceptor} bean that the platform applies to every gRPC service on
 * either Spring Boot line, in {@link org.springframework.core.annotation.Order @Order} among the
 * platform's own interceptors ({@link PlatformInterceptorOrder}) and the base's global interceptors.
 *
 * <p>It stands for net.devh's {@code @GrpcGlobalServerInterceptor} on Spring Boot 3.5 and for Spring
 * Boot's {@code @GlobalServerInterceptor} on Spring Boot 4.1, so that an application moves from one
 * line to the other by changing the starter only. Put it on a {@code @Bean} method (beside
 * {@code @Bean}) or on a component class; a lower order runs earlier, further from the handler. A bean
 * that also carries the base's own annotation is registered once.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface GlobalGrpcServerInterceptor {

}
