package dev.grpcplatform.starter.boot4;

import java.util.function.BiConsumer;

import io.grpc.ManagedChannelBuilder;

import org.springframework.grpc.client.GrpcChannelBuilderCustomizer;

/**
 * A {@link GrpcChannelBuilderCustomizer} of the platform that applies to every channel builder
 * Spring Boot creates, whatever its transport.
 *
 * <p>Spring Boot applies customizer beans with {@code LambdaSafe}, which skips a customizer whose
 * generic type does not match the builder; this class leaves the type open on purpose, because what
 * the platform adds to a channel (call credentials) works on any transport.
 *
 * @param <T> type of the channel builder
 */
public final class PlatformChannelBuilderCustomizer<T extends ManagedChannelBuilder<T>>
		implements GrpcChannelBuilderCustomizer<T> {

	private final BiConsumer<String, ManagedChannelBuilder<?>> customizer;

	private PlatformChannelBuilderCustomizer(BiConsumer<String, ManagedChannelBuilder<?>> customizer) {
		this.customizer = customizer;
	}

	/**
	 * Creates a customizer that hands every channel builder and the channel's name to the given
	 * consumer.
	 * @param <T> type of the channel builder
	 * @param customizer what to do with the name ({@code @ImportGrpcClients} target or the name given
	 * to {@code GrpcChannelFactory.createChannel}) and the builder
	 * @return the customizer
	 */
	public static <T extends ManagedChannelBuilder<T>> PlatformChannelBuilderCustomizer<T> of(
			BiConsumer<String, ManagedChannelBuilder<?>> customizer) {
		return new PlatformChannelBuilderCustomizer<>(customizer);
	}

	@Override
	public void customize(String target, T builder) {
		this.customizer.accept(target, builder);
	}

}
