package dev.grpcplatform.starter.security;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * What each gRPC method demands of its caller: whether it is public, and which scopes it
 * requires.
 *
 * <p>Rules come from method patterns ({@code package.Service/Method}, {@code package.Service/*} or
 * {@code package.Service} for a whole service, {@code *} for all) and from {@link RequireScopes} on
 * service implementations, read once by {@link #registerService}. Each method's rule is worked out
 * on its first call and then looked up.
 */
public class GrpcMethodSecurity {

	private final List<MethodPattern> publicMethods;

	private final Map<MethodPattern, Set<String>> requiredScopes;

	private final Map<String, Set<String>> annotatedScopes = new ConcurrentHashMap<>();

	private final Map<String, MethodRule> rules = new ConcurrentHashMap<>();

	/**
	 * Creates the rules from method patterns.
	 * @param publicMethods patterns of the methods anyone may call
	 * @param requiredScopes scopes a caller needs, by method pattern
	 * @throws IllegalArgumentException if a pattern is not valid
	 */
	public GrpcMethodSecurity(Collection<String> publicMethods, Map<String, ? extends Collection<String>> requiredScopes) {
		Assert.notNull(publicMethods, "publicMethods must not be null");
		Assert.notNull(requiredScopes, "requiredScopes must not be null");
		this.publicMethods = publicMethods.stream()
			.map((pattern) -> MethodPattern.parse(pattern, "platform.grpc.security.public-methods"))
			.toList();
		Map<MethodPattern, Set<String>> scopes = new LinkedHashMap<>();
		requiredScopes.forEach((pattern, scopesOfPattern) -> scopes.put(
				MethodPattern.parse(pattern, "platform.grpc.security.required-scopes"), validScopes(scopesOfPattern)));
		this.requiredScopes = scopes;
	}

	/**
	 * Reads the {@link RequireScopes} annotations of a service implementation.
	 * @param serviceClass class of the service implementation
	 * @param service descriptor of the service it implements
	 */
	public void registerService(Class<?> serviceClass, ServiceDescriptor service) {
		Class<?> userClass = ClassUtils.getUserClass(serviceClass);
		RequireScopes onClass = AnnotatedElementUtils.findMergedAnnotation(userClass, RequireScopes.class);
		Method[] javaMethods = ReflectionUtils.getUniqueDeclaredMethods(userClass, ReflectionUtils.USER_DECLARED_METHODS);
		for (MethodDescriptor<?, ?> method : service.getMethods()) {
			Set<String> scopes = new LinkedHashSet<>();
			if (onClass != null) {
				scopes.addAll(validScopes(List.of(onClass.value())));
			}
			String javaName = javaMethodName(method.getBareMethodName());
			for (Method javaMethod : javaMethods) {
				if (javaMethod.getName().equals(javaName)) {
					RequireScopes onMethod = AnnotatedElementUtils.findMergedAnnotation(javaMethod, RequireScopes.class);
					if (onMethod != null) {
						scopes.addAll(validScopes(List.of(onMethod.value())));
					}
				}
			}
			if (!scopes.isEmpty()) {
				this.annotatedScopes.put(method.getFullMethodName(), Collections.unmodifiableSet(scopes));
			}
		}
		this.rules.clear();
	}

	/**
	 * Returns the given patterns that match none of the given methods, which usually are typos.
	 * @param patterns method patterns
	 * @param fullMethodNames full names of every served method
	 * @return the patterns that match no method
	 */
	static List<String> unmatchedPatterns(Collection<String> patterns, Collection<String> fullMethodNames) {
		return patterns.stream()
			.filter((pattern) -> fullMethodNames.stream().noneMatch(MethodPattern.parse(pattern, "")::matches))
			.toList();
	}

	/**
	 * Whether anyone may call the given method without credentials.
	 * @param fullMethodName full name of the method ({@code package.Service/Method})
	 * @return {@code true} for a public method
	 */
	public boolean isPublic(String fullMethodName) {
		return rule(fullMethodName).isPublic();
	}

	/**
	 * Returns the scopes a caller of the given method needs.
	 * @param fullMethodName full name of the method ({@code package.Service/Method})
	 * @return the scopes, all of them needed; empty when the method needs none
	 */
	public Set<String> requiredScopes(String fullMethodName) {
		return rule(fullMethodName).scopes();
	}

	MethodRule rule(String fullMethodName) {
		MethodRule rule = this.rules.get(fullMethodName);
		if (rule == null) {
			// Only registered methods reach interceptors, so the map stays as small as the server.
			rule = this.rules.computeIfAbsent(fullMethodName, this::resolve);
		}
		return rule;
	}

	private MethodRule resolve(String fullMethodName) {
		boolean isPublic = this.publicMethods.stream().anyMatch((pattern) -> pattern.matches(fullMethodName));
		// Sorted, so that callers see the same list however the rules were declared.
		Set<String> scopes = new TreeSet<>();
		this.requiredScopes.forEach((pattern, scopesOfPattern) -> {
			if (pattern.matches(fullMethodName)) {
				scopes.addAll(scopesOfPattern);
			}
		});
		scopes.addAll(this.annotatedScopes.getOrDefault(fullMethodName, Set.of()));
		return new MethodRule(isPublic, Collections.unmodifiableSet(scopes),
				scopes.stream().map((scope) -> "SCOPE_" + scope).toList());
	}

	private static Set<String> validScopes(Collection<String> scopes) {
		Set<String> valid = new LinkedHashSet<>();
		for (String scope : scopes) {
			// RFC 6749 scope tokens: printable ASCII without space, quote or backslash.
			if (!StringUtils.hasText(scope) || !scope.chars().allMatch((c) -> c > 0x20 && c < 0x7f && c != '"' && c != '\\')) {
				throw new IllegalArgumentException("'" + scope + "' is not a valid scope");
			}
			valid.add(scope);
		}
		return valid;
	}

	/**
	 * Name grpc-java's code generator gives the Java method of a gRPC method: lower camel case.
	 */
	static String javaMethodName(String bareMethodName) {
		StringBuilder name = new StringBuilder(bareMethodName.length());
		boolean afterUnderscore = false;
		for (int i = 0; i < bareMethodName.length(); i++) {
			char c = bareMethodName.charAt(i);
			if (i == 0) {
				name.append(Character.toLowerCase(c));
			}
			else if (c == '_') {
				afterUnderscore = true;
			}
			else {
				name.append(afterUnderscore ? Character.toUpperCase(c) : c);
				afterUnderscore = false;
			}
		}
		return name.toString();
	}

	/**
	 * Rule of one method.
	 *
	 * @param isPublic whether anyone may call it
	 * @param scopes scopes a caller needs
	 * @param scopeAuthorities authorities that stand for those scopes
	 */
	record MethodRule(boolean isPublic, Set<String> scopes, List<String> scopeAuthorities) {

	}

	/**
	 * A method pattern from configuration.
	 *
	 * @param text the pattern as configured
	 * @param property property it comes from, for messages
	 * @param service full service name, or {@code null} for every service
	 * @param method bare method name, or {@code null} for every method of the service
	 */
	record MethodPattern(String text, String property, String service, String method) {

		static MethodPattern parse(String text, String property) {
			String pattern = (text != null) ? text.trim() : "";
			if (pattern.equals("*")) {
				return new MethodPattern(pattern, property, null, null);
			}
			int slash = pattern.indexOf('/');
			String service = (slash >= 0) ? pattern.substring(0, slash) : pattern;
			String method = (slash >= 0) ? pattern.substring(slash + 1) : "*";
			if (!isName(service, true) || !(method.equals("*") || isName(method, false))) {
				throw new IllegalArgumentException("Invalid gRPC method pattern '" + text + "' in " + property
						+ ": use 'package.Service/Method', 'package.Service/*' or '*'");
			}
			return new MethodPattern(pattern, property, service, method.equals("*") ? null : method);
		}

		private static boolean isName(String name, boolean dotted) {
			if (name.isEmpty() || name.startsWith(".") || name.endsWith(".")) {
				return false;
			}
			return name.chars().allMatch((c) -> Character.isLetterOrDigit(c) || c == '_' || (dotted && c == '.'));
		}

		boolean matches(String fullMethodName) {
			if (this.service == null) {
				return true;
			}
			int slash = fullMethodName.lastIndexOf('/');
			if (slash != this.service.length() || !fullMethodName.startsWith(this.service)) {
				return false;
			}
			return this.method == null || fullMethodName.substring(slash + 1).equals(this.method);
		}

	}

}
