package dev.grpcplatform.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A server the harness measures: which main class, with or without the platform starter, with which
 * properties, and which headers its clients send.
 *
 * @param name short name used in tables ({@code a}, {@code b3}, {@code b4}, {@code c}, {@code d},
 * {@code b3-metrics}, ...)
 * @param description what the variant is
 * @param mainClass main class of the server process
 * @param boot4 whether it runs from the Spring Boot 4.1 bench jar ({@code bench/boot4}) instead of the
 * harness's own class path (Spring Boot 3.5)
 * @param withPlatform whether the platform starter is on the server's class path
 * @param properties application properties ({@code key=value}) passed as arguments
 * @param headers metadata the clients send with every call ({@code name=value})
 */
record ServerVariant(String name, String description, String mainClass, boolean boot4, boolean withPlatform,
		List<String> properties, List<String> headers) {

	/**
	 * Main class of the Spring Boot 4.1 servers (module {@code bench/boot4}, not on this class path).
	 */
	static final String BOOT4_MAIN_CLASS = "dev.grpcplatform.bench.boot4.BenchBoot4Application";

	/**
	 * Properties that switch one platform feature off for the per-feature table, and keep net.devh
	 * from putting its own version of that feature back.
	 */
	private static final Map<String, List<String>> FEATURE_OFF = new LinkedHashMap<>();

	static {
		FEATURE_OFF.put("metrics", List.of("platform.grpc.metrics.enabled=false", "grpc.metricsA66Enabled=false",
				"management.tracing.grpc.enabled=false", "spring.grpc.server.observation.enabled=false",
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

	/**
	 * Whether the server runs on the platform's handler executor without the platform (a-pool): the
	 * platform's core stays on its class path.
	 * @return whether it needs the platform's executor
	 */
	boolean withPlatformExecutor() {
		return !this.withPlatform && this.properties.contains("executor=bounded");
	}

	static ServerVariant bare() {
		return new ServerVariant("a", "bare grpc-java Netty server", BareServer.class.getName(), false, false,
				List.of(), List.of());
	}

	static ServerVariant barePooled() {
		return new ServerVariant("a-pool", "bare grpc-java, the platform's bounded executor",
				BareServer.class.getName(), false, false, List.of("executor=bounded"), List.of());
	}

	/**
	 * The platform on Spring Boot 3.5 and net.devh, every feature on.
	 * @param properties the platform's properties
	 * @param headers what its clients send
	 * @return variant b3
	 */
	static ServerVariant platform(List<String> properties, List<String> headers) {
		return new ServerVariant("b3", "platform on Boot 3.5 + net.devh, every feature on",
				BenchSpringApplication.class.getName(), false, true, properties, headers);
	}

	/**
	 * The platform on Spring Boot 4.1's own gRPC, every feature on.
	 * @param properties the platform's properties
	 * @param headers what its clients send
	 * @return variant b4
	 */
	static ServerVariant platformOnBoot4(List<String> properties, List<String> headers) {
		return new ServerVariant("b4", "platform on Boot 4.1's gRPC, every feature on", BOOT4_MAIN_CLASS, true, true,
				properties, headers);
	}

	static ServerVariant netDevh() {
		return new ServerVariant("c", "net.devh 3.1 defaults with Actuator", BenchSpringApplication.class.getName(),
				false, false, List.of(), List.of());
	}

	/**
	 * Spring Boot 4.1's own gRPC server as its starter comes (grpc-netty), with Actuator.
	 * @return variant d
	 */
	static ServerVariant springBoot4() {
		return new ServerVariant("d", "Spring Boot 4.1 gRPC defaults with Actuator", BOOT4_MAIN_CLASS, true, false,
				List.of(), List.of());
	}

	/**
	 * The platform with every feature on and its access log written by the platform itself to
	 * standard output ({@code b3-stdout}, {@code b4-stdout}) instead of through the logger.
	 * @param platform the full platform variant
	 * @return the variant
	 */
	static ServerVariant withAccessLogOnStdout(ServerVariant platform) {
		List<String> properties = new ArrayList<>(platform.properties());
		properties.add("platform.grpc.logging.access-log.target=stdout");
		return new ServerVariant(platform.name() + "-stdout",
				"every feature on, access log lines written to stdout by the platform", platform.mainClass(),
				platform.boot4(), true, properties, platform.headers());
	}

	/**
	 * Variants of the platform with one feature switched off each ({@code b3-metrics}, ...), and one
	 * with all of them off but the bounded executor ({@code b3-none}).
	 * @param platform the full platform variant
	 * @return one variant per feature
	 */
	static List<ServerVariant> platformWithoutEachFeature(ServerVariant platform) {
		List<ServerVariant> variants = new ArrayList<>();
		List<String> allOff = new ArrayList<>(platform.properties());
		FEATURE_OFF.forEach((feature, off) -> {
			List<String> properties = new ArrayList<>(platform.properties());
			properties.addAll(off);
			variants.add(new ServerVariant(platform.name() + "-" + feature, "platform without " + feature,
					platform.mainClass(), platform.boot4(), true, properties, platform.headers()));
			if (!feature.equals("limits")) {
				allOff.addAll(off);
			}
		});
		// What Spring Boot, Actuator and net.devh cost per call on the platform's executor, before any
		// platform interceptor or stream tracer: the floor the chain's cost is measured from.
		variants.add(new ServerVariant(platform.name() + "-none",
				"platform with every feature off but the bounded executor", platform.mainClass(), platform.boot4(), true,
				allOff, platform.headers()));
		return variants;
	}

}
