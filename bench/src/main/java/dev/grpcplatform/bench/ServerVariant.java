package dev.grpcplatform.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A server the harness measures: which main class, with or without the platform starter, with which
 * properties, and which headers its clients send.
 *
 * @param name short name used in tables ({@code a}, {@code b}, {@code c}, {@code b-metrics}, ...)
 * @param description what the variant is
 * @param mainClass main class of the server process
 * @param withPlatform whether the platform starter is on the server's class path
 * @param properties application properties ({@code key=value}) passed as arguments
 * @param headers metadata the clients send with every call ({@code name=value})
 */
record ServerVariant(String name, String description, String mainClass, boolean withPlatform,
		List<String> properties, List<String> headers) {

	/**
	 * Properties that switch one platform feature off for the per-feature table, and keep net.devh
	 * from putting its own version of that feature back.
	 */
	private static final Map<String, List<String>> FEATURE_OFF = new LinkedHashMap<>();

	static {
		FEATURE_OFF.put("metrics", List.of("platform.grpc.metrics.enabled=false", "grpc.metricsA66Enabled=false",
				"management.tracing.grpc.enabled=false",
				"spring.autoconfigure.exclude=net.devh.boot.grpc.server.autoconfigure.GrpcServerMetricAutoConfiguration"));
		FEATURE_OFF.put("tracing", List.of("platform.grpc.tracing.enabled=false"));
		FEATURE_OFF.put("logging", List.of("platform.grpc.logging.enabled=false"));
		// Request ids stay; only the lines are not written.
		FEATURE_OFF.put("accesslog", List.of("platform.grpc.logging.access-log.level=off"));
		FEATURE_OFF.put("security", List.of("platform.grpc.security.enabled=false"));
		FEATURE_OFF.put("validation", List.of("platform.grpc.validation.enabled=false"));
		FEATURE_OFF.put("errors", List.of("platform.grpc.errors.enabled=false"));
		FEATURE_OFF.put("shutdown", List.of("platform.grpc.shutdown.enabled=false"));
		// grpc-java's default executor instead of the platform's bounded pool.
		FEATURE_OFF.put("limits", List.of("platform.grpc.limits.enabled=false"));
	}

	static ServerVariant bare() {
		return new ServerVariant("a", "bare grpc-java Netty server", BareServer.class.getName(), false, List.of(),
				List.of());
	}

	static ServerVariant barePooled() {
		return new ServerVariant("a-pool", "bare grpc-java, the platform's bounded executor",
				BareServer.class.getName(), false, List.of("executor=bounded"), List.of());
	}

	static ServerVariant platform(List<String> properties, List<String> headers) {
		return new ServerVariant("b", "platform starter, every feature on", BenchSpringApplication.class.getName(),
				true, properties, headers);
	}

	static ServerVariant netDevh() {
		return new ServerVariant("c", "net.devh 3.1 defaults with Actuator", BenchSpringApplication.class.getName(),
				false, List.of(), List.of());
	}

	/**
	 * Variants of the platform with one feature switched off each, and one with all of them off but
	 * the bounded executor ({@code b-none}).
	 * @param platform the full platform variant
	 * @return one variant per feature
	 */
	static List<ServerVariant> platformWithoutEachFeature(ServerVariant platform) {
		List<ServerVariant> variants = new ArrayList<>();
		List<String> allOff = new ArrayList<>(platform.properties());
		FEATURE_OFF.forEach((feature, off) -> {
			List<String> properties = new ArrayList<>(platform.properties());
			properties.addAll(off);
			variants.add(new ServerVariant("b-" + feature, "platform without " + feature, platform.mainClass(), true,
					properties, platform.headers()));
			if (!feature.equals("limits")) {
				allOff.addAll(off);
			}
		});
		// What Spring Boot, Actuator and net.devh cost per call on the platform's executor, before any
		// platform interceptor or stream tracer: the floor the chain's cost is measured from.
		variants.add(new ServerVariant("b-none", "platform with every feature off but the bounded executor",
				platform.mainClass(), true, allOff, platform.headers()));
		return variants;
	}

}
