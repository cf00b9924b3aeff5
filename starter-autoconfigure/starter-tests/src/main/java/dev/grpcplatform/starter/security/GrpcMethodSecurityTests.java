package dev.grpcplatform.starter.security;

import java.util.List;
import java.util.Map;

import dev.grpcplatform.starter.testing.CallerGrpcService;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoResponse;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link GrpcMethodSecurity}.
 */
class GrpcMethodSecurityTests {

	private static final String ECHO = "platform.testing.v1.EchoService/Echo";

	private static final String ECHO_STREAM = "platform.testing.v1.EchoService/EchoStream";

	private static final String CHAT = "platform.testing.v1.EchoService/Chat";

	@Test
	void patternsMatchOneMethodAWholeServiceOrEverything() {
		assertThat(new GrpcMethodSecurity(List.of(ECHO), Map.of()).isPublic(ECHO)).isTrue();
		assertThat(new GrpcMethodSecurity(List.of(ECHO), Map.of()).isPublic(ECHO_STREAM)).isFalse();
		assertThat(new GrpcMethodSecurity(List.of("platform.testing.v1.EchoService/*"), Map.of()).isPublic(CHAT))
			.isTrue();
		assertThat(new GrpcMethodSecurity(List.of("platform.testing.v1.EchoService"), Map.of()).isPublic(CHAT))
			.isTrue();
		assertThat(new GrpcMethodSecurity(List.of("platform.testing.v1.Echo/*"), Map.of()).isPublic(CHAT)).isFalse();
		assertThat(new GrpcMethodSecurity(List.of("*"), Map.of()).isPublic("any.Service/Any")).isTrue();
		assertThat(new GrpcMethodSecurity(List.of(), Map.of()).isPublic(ECHO)).isFalse();
	}

	@Test
	void invalidPatternsAreRejectedWithTheProperty() {
		for (String pattern : List.of("", "platform.*", "Echo/", "/Echo", "platform.testing.v1.EchoService/Ec*",
				"platform testing/Echo", ".Service/Echo")) {
			assertThatIllegalArgumentException().isThrownBy(() -> new GrpcMethodSecurity(List.of(pattern), Map.of()))
				.withMessageContaining("platform.grpc.security.public-methods");
		}
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new GrpcMethodSecurity(List.of(), Map.of("a.B/*", List.of("has space"))))
			.withMessageContaining("'has space' is not a valid scope");
	}

	@Test
	void scopesOfEveryMatchingRuleAndAnnotationAreRequired() {
		GrpcMethodSecurity methods = new GrpcMethodSecurity(List.of(),
				Map.of("platform.testing.v1.EchoService/*", List.of("echo"), ECHO, List.of("echo:read")));
		methods.registerService(CallerGrpcService.class, EchoServiceGrpc.getServiceDescriptor());
		assertThat(methods.requiredScopes(ECHO)).containsExactly("echo", "echo:read");
		assertThat(methods.requiredScopes(ECHO_STREAM)).containsExactly("echo", "echo:stream");
		assertThat(methods.requiredScopes(CHAT)).containsExactly("echo");
		assertThat(methods.requiredScopes("other.Service/Method")).isEmpty();
	}

	@Test
	void annotationsAreFoundThroughProxiesAndOnTheClass() {
		GrpcMethodSecurity methods = new GrpcMethodSecurity(List.of(), Map.of());
		ProxyFactory proxyFactory = new ProxyFactory(new CallerGrpcService());
		proxyFactory.setProxyTargetClass(true);
		methods.registerService(proxyFactory.getProxy().getClass(), EchoServiceGrpc.getServiceDescriptor());
		assertThat(methods.requiredScopes(ECHO_STREAM)).containsExactly("echo:stream");
		GrpcMethodSecurity classLevel = new GrpcMethodSecurity(List.of(), Map.of());
		classLevel.registerService(AdminEchoService.class, EchoServiceGrpc.getServiceDescriptor());
		assertThat(classLevel.requiredScopes(CHAT)).containsExactly("admin");
		assertThat(classLevel.requiredScopes(ECHO)).containsExactly("admin", "admin:echo");
	}

	@Test
	void javaMethodNamesFollowGrpcJavasGenerator() {
		assertThat(GrpcMethodSecurity.javaMethodName("GetUser")).isEqualTo("getUser");
		assertThat(GrpcMethodSecurity.javaMethodName("get_user_v2")).isEqualTo("getUserV2");
		assertThat(GrpcMethodSecurity.javaMethodName("Echo")).isEqualTo("echo");
	}

	@Test
	void patternsThatMatchNoServedMethodAreReported() {
		assertThat(GrpcMethodSecurity.unmatchedPatterns(List.of(ECHO, "platform.testing.v1.EchoServic/*", "*"),
				List.of(ECHO, CHAT)))
			.containsExactly("platform.testing.v1.EchoServic/*");
	}

	@RequireScopes("admin")
	static class AdminEchoService extends EchoServiceGrpc.EchoServiceImplBase {

		@Override
		@RequireScopes("admin:echo")
		public void echo(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
			responseObserver.onCompleted();
		}

	}

}
