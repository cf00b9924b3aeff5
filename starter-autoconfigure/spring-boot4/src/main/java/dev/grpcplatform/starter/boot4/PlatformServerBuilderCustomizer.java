package dev.grpcplatform.starter.boot4;

import java.util.function.Consumer;

import io.grpc.ServerBuilder;

import org.springframework.grpc.server.ServerBuilderCustomizer;

/**
 * A {@link ServerBuilderCustomizer} of the platform that applies to every server builder Spring Boot
 * creates: the shaded Netty server and in-process servers alike.
 *
 * <p>Spring Boot applies customizer beans with {@code LambdaSafe}, which skips a customizer whose
 * generic type does not match the builder; this class leaves the type open on purpose, and the
 * platform code it calls handles transport-specific settings itself (limits and TLS apply their
 * Netty parts only to {@code io.grpc.netty.shaded...NettyServerBuilder}, the one network transport of
 * this edge). A bean of this type is how the platform's stream tracers, limits and executor reach
 * the builder.
 *
 * @param <T> type of the server builder
 */
public final class PlatformServerBuilderCustomizer<T extends ServerBuilder<T>> implements ServerBuilderCustomizer<T> {

	private final Consumer<ServerBuilder<?>> customizer;

	private PlatformServerBuilderCustomizer(Consumer<ServerBuilder<?>> customizer) {
		this.customizer = customizer;
	}

	/**
	 * Creates a customizer that hands every server builder to the given consumer.
	 * @param <T> type of the server builder
	 * @param customizer what to do with the builder
	 * @return the customizer
	 */
	public static <T extends ServerBuilder<T>> PlatformServerBuilderCustomizer<T> of(
			Consumer<ServerBuilder<?>> customizer) {
		return new PlatformServerBuilderCustomizer<>(customizer);
	}

	@Override
	public void customize(T builder) {
		this.customizer.accept(builder);
	}

}
