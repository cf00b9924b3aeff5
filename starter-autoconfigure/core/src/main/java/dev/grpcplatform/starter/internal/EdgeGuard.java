package dev.grpcplatform.starter.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Enumeration;
import java.util.Properties;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * Stops an application at start-up when the platform's edge does not fit its Spring Boot line, or
 * when edges of two lines are on the class path, with one message that names the artifact to use.
 *
 * <p>Each edge jar declares itself in {@value #DESCRIPTOR} ({@code artifact} and the Spring Boot
 * major version {@code spring-boot} it is for) and calls {@link #check} from its earliest hook.
 */
public final class EdgeGuard {

	/**
	 * Resource by which each edge jar declares itself.
	 */
	public static final String DESCRIPTOR = "META-INF/grpc-platform/edge.properties";

	/**
	 * Class that exists from Spring Boot 4 on (it moved there from spring-boot-autoconfigure); tells
	 * the line when the jar's manifest does not.
	 */
	private static final String BOOT_4_MARKER = "org.springframework.boot.thread.Threading";

	private EdgeGuard() {
	}

	/**
	 * Fails unless exactly one edge is on the class path and it is the one for the Spring Boot line
	 * that runs.
	 * @param springBootVersion version of the Spring Boot that runs, or {@code null} when unknown
	 * @param classLoader class loader of the application
	 * @throws IllegalStateException naming the artifact to use instead
	 */
	public static void check(@Nullable String springBootVersion, ClassLoader classLoader) {
		int running = majorVersion(springBootVersion, classLoader);
		TreeSet<String> edges = new TreeSet<>();
		String fitting = null;
		try {
			Enumeration<URL> descriptors = classLoader.getResources(DESCRIPTOR);
			while (descriptors.hasMoreElements()) {
				Properties edge = load(descriptors.nextElement());
				String artifact = edge.getProperty("artifact");
				edges.add(artifact);
				if (String.valueOf(running).equals(edge.getProperty("spring-boot"))) {
					fitting = artifact;
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		String wanted = (fitting != null) ? fitting : artifactFor(running);
		String boot = (springBootVersion != null) ? springBootVersion : running + ".x";
		if (edges.size() > 1) {
			throw new IllegalStateException("grpc-platform: the edges " + String.join(" and ", edges)
					+ " are both on the class path, but one application runs on one Spring Boot line: keep only "
					+ wanted + " for Spring Boot " + boot + ".");
		}
		if (!edges.isEmpty() && fitting == null) {
			throw new IllegalStateException("grpc-platform: " + edges.first() + " does not run on Spring Boot " + boot
					+ ": use " + wanted + " instead.");
		}
	}

	/**
	 * Returns the artifact of the edge for a Spring Boot major version.
	 * @param springBootMajor the major version
	 * @return the artifact id
	 */
	static String artifactFor(int springBootMajor) {
		return "grpc-platform-spring-boot" + springBootMajor + "-starter";
	}

	private static int majorVersion(@Nullable String version, ClassLoader classLoader) {
		if (version != null && !version.isEmpty()) {
			int dot = version.indexOf('.');
			try {
				return Integer.parseInt((dot > 0) ? version.substring(0, dot) : version);
			}
			catch (NumberFormatException ex) {
				// Fall back to the class path below.
			}
		}
		return ClassUtils.isPresent(BOOT_4_MARKER, classLoader) ? 4 : 3;
	}

	private static Properties load(URL url) throws IOException {
		Properties properties = new Properties();
		try (InputStream in = url.openStream()) {
			properties.load(in);
		}
		return properties;
	}

}
