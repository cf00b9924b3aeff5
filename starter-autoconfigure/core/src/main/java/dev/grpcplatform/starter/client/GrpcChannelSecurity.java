package dev.grpcplatform.starter.client;

import java.util.HashMap;
import java.util.Map;

import javax.net.ssl.SSLException;

import io.grpc.ManagedChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NegotiationType;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * Applies {@code platform.grpc.client.channels.<name>.*} to the builder of the channel with that
 * client name: a {@link BearerTokenClientInterceptor} for its credentials, and a TLS context from
 * its SSL bundle.
 */
public class GrpcChannelSecurity {

	private final Map<String, GrpcClientProperties.Channel> channels;

	private final Map<String, SslContext> sslContexts = new HashMap<>();

	/**
	 * Creates the settings and checks them.
	 * @param properties the properties
	 * @param sslBundles the SSL bundles, or {@code null} if none are available
	 * @throws IllegalStateException if a channel's settings are not usable
	 */
	public GrpcChannelSecurity(GrpcClientProperties properties, SslBundles sslBundles) {
		this.channels = Map.copyOf(properties.getChannels());
		this.channels.forEach((name, channel) -> {
			Assert.state(channel.getCredentials() != GrpcClientProperties.Credentials.STATIC
					|| StringUtils.hasText(channel.getToken()),
					() -> "platform.grpc.client.channels." + name + ".token must be set when its credentials are static");
			String bundle = channel.getTls().getBundle();
			if (StringUtils.hasText(bundle)) {
				Assert.state(sslBundles != null, "No SSL bundles are available for platform.grpc.client.channels." + name);
				this.sslContexts.put(name, clientContext(name, bundle, sslBundles.getBundle(bundle)));
			}
		});
	}

	/**
	 * Applies the settings of the named channel, if any, to its builder.
	 * @param builder builder of the channel
	 * @param name client name of the channel
	 */
	public void configure(ManagedChannelBuilder<?> builder, String name) {
		addCallCredentials(builder, name);
		SslContext sslContext = this.sslContexts.get(name);
		if (sslContext != null) {
			Assert.state(builder instanceof NettyChannelBuilder, () -> "platform.grpc.client.channels." + name
					+ ".tls needs a grpc-netty-shaded channel, not " + builder.getClass().getName());
			((NettyChannelBuilder) builder).negotiationType(NegotiationType.TLS).sslContext(sslContext);
		}
	}

	/**
	 * Adds the call credentials of the named channel (the bearer token it forwards or sends), if
	 * any, to its builder; for edges whose framework sets up the channel's TLS itself.
	 * @param builder builder of the channel
	 * @param name client name of the channel
	 */
	public void addCallCredentials(ManagedChannelBuilder<?> builder, String name) {
		GrpcClientProperties.Channel channel = this.channels.get(name);
		if (channel == null) {
			return;
		}
		switch (channel.getCredentials()) {
			case FORWARD -> builder.intercept(BearerTokenClientInterceptor.forwarding());
			case STATIC -> builder.intercept(BearerTokenClientInterceptor.of(channel.getToken()));
			case NONE -> {
			}
		}
	}

	private static SslContext clientContext(String channel, String bundleName, SslBundle bundle) {
		SslContextBuilder builder = GrpcSslContexts.forClient();
		if (bundle.getStores().getTrustStore() != null) {
			builder.trustManager(bundle.getManagers().getTrustManagerFactory());
		}
		if (bundle.getStores().getKeyStore() != null) {
			builder.keyManager(bundle.getManagers().getKeyManagerFactory());
		}
		if (bundle.getOptions().getEnabledProtocols() != null) {
			builder.protocols(bundle.getOptions().getEnabledProtocols());
		}
		try {
			return builder.build();
		}
		catch (SSLException ex) {
			throw new IllegalStateException("Cannot create the TLS context of gRPC channel '" + channel
					+ "' from SSL bundle '" + bundleName + "'", ex);
		}
	}

}
