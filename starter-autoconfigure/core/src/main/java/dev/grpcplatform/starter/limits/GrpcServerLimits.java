package dev.grpcplatform.starter.limits;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import org.springframework.util.Assert;

/**
 * Applies {@link GrpcLimitsProperties} and the handler executor to a gRPC {@link ServerBuilder}.
 *
 * <p>Message and metadata sizes and the executor apply to every transport; concurrency,
 * keepalive and connection age apply to the Netty transport, the only one that has them.
 */
public class GrpcServerLimits {

	private final GrpcLimitsProperties properties;

	private final GrpcServerExecutor executor;

	public GrpcServerLimits(GrpcLimitsProperties properties, GrpcServerExecutor executor) {
		validate(properties);
		this.properties = properties;
		this.executor = executor;
	}

	private static void validate(GrpcLimitsProperties properties) {
		Assert.isTrue(properties.getMaxInboundMessageSize().toBytes() > 0
				&& properties.getMaxInboundMessageSize().toBytes() <= Integer.MAX_VALUE,
				"platform.grpc.limits.max-inbound-message-size must be between 1 byte and 2 GB");
		Assert.isTrue(properties.getMaxInboundMetadataSize().toBytes() > 0
				&& properties.getMaxInboundMetadataSize().toBytes() <= Integer.MAX_VALUE,
				"platform.grpc.limits.max-inbound-metadata-size must be between 1 byte and 2 GB");
		Assert.isTrue(properties.getMaxConcurrentCallsPerConnection() > 0,
				"platform.grpc.limits.max-concurrent-calls-per-connection must be positive");
	}

	/**
	 * Applies the limits to the given builder.
	 * @param builder server builder of any transport
	 */
	public void apply(ServerBuilder<?> builder) {
		builder.maxInboundMessageSize((int) this.properties.getMaxInboundMessageSize().toBytes());
		builder.maxInboundMetadataSize((int) this.properties.getMaxInboundMetadataSize().toBytes());
		if (this.executor != null) {
			builder.executor(this.executor.getExecutor());
		}
		if (builder instanceof NettyServerBuilder netty) {
			applyNetty(netty);
		}
	}

	private void applyNetty(NettyServerBuilder builder) {
		builder.maxConcurrentCallsPerConnection(this.properties.getMaxConcurrentCallsPerConnection());
		GrpcLimitsProperties.Keepalive keepalive = this.properties.getKeepalive();
		builder.keepAliveTime(nanos(keepalive.getTime()), TimeUnit.NANOSECONDS);
		builder.keepAliveTimeout(nanos(keepalive.getTimeout()), TimeUnit.NANOSECONDS);
		builder.permitKeepAliveTime(nanos(keepalive.getPermitTime()), TimeUnit.NANOSECONDS);
		builder.permitKeepAliveWithoutCalls(keepalive.isPermitWithoutCalls());
		GrpcLimitsProperties.Connection connection = this.properties.getConnection();
		if (connection.getMaxIdle() != null) {
			builder.maxConnectionIdle(nanos(connection.getMaxIdle()), TimeUnit.NANOSECONDS);
		}
		if (connection.getMaxAge() != null) {
			builder.maxConnectionAge(nanos(connection.getMaxAge()), TimeUnit.NANOSECONDS);
		}
		if (connection.getMaxAgeGrace() != null) {
			builder.maxConnectionAgeGrace(nanos(connection.getMaxAgeGrace()), TimeUnit.NANOSECONDS);
		}
	}

	private static long nanos(Duration duration) {
		return duration.toNanos();
	}

}
