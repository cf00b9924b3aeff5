package dev.grpcplatform.starter.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.rpc.ErrorInfo;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.limits.GrpcServerExecutor;
import dev.grpcplatform.starter.server.GlobalGrpcServerInterceptor;
import dev.grpcplatform.starter.server.GrpcCallAttributes;
import dev.grpcplatform.starter.server.PlatformInterceptorOrder;
import dev.grpcplatform.starter.testing.CallerGrpcService;
import dev.grpcplatform.starter.testing.CallerTestApplication;
import dev.grpcplatform.starter.testing.EchoCalls;
import dev.grpcplatform.starter.testing.QueueingObserver;
import dev.grpcplatform.starter.testing.SecuredEcho;
import dev.grpcplatform.starter.testing.TestServers;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Integration tests for the authentication and authorization of gRPC calls over a real socket.
 */
class GrpcSecurityIntegrationTests {

	static final String SECRET = SecuredEcho.SECRET;

	static final String ISSUER = SecuredEcho.ISSUER;

	static final String AUDIENCE = SecuredEcho.AUDIENCE;

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	static final String[] SECURED = SecuredEcho.SECURED;

	static DevelopmentTokens.Builder token(String subject) {
		return SecuredEcho.token(subject);
	}

	static String validToken(String subject) {
		return SecuredEcho.validToken(subject);
	}

	static Stream<Arguments> badCredentials() throws Exception {
		Instant now = Instant.now();
		JWTClaimsSet validClaims = new JWTClaimsSet.Builder().subject("mallory")
			.issuer(ISSUER)
			.audience(AUDIENCE)
			.claim("scope", "echo echo:collect echo:stream")
			.expirationTime(Date.from(now.plus(Duration.ofHours(1))))
			.build();
		SignedJWT withoutExpiry = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
				new JWTClaimsSet.Builder(validClaims).expirationTime(null).build());
		withoutExpiry.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
		Map<String, String> kinds = new LinkedHashMap<>();
		kinds.put("malformed", "Bearer not-a-jwt");
		kinds.put("not a bearer token", "Bearer a b");
		kinds.put("expired", "Bearer " + token("mallory").expiresAt(now.minus(Duration.ofMinutes(5))).mint());
		kinds.put("not yet valid", "Bearer " + token("mallory").notBefore(now.plus(Duration.ofMinutes(5))).mint());
		kinds.put("wrong signature",
				"Bearer " + token("mallory").secret("another-secret-that-is-long-enough-to-sign").mint());
		kinds.put("alg none", "Bearer " + new PlainJWT(validClaims).serialize());
		kinds.put("wrong issuer", "Bearer " + token("mallory").issuer("https://elsewhere.test").mint());
		kinds.put("wrong audience", "Bearer " + DevelopmentTokens.builder()
			.secret(SECRET)
			.issuer(ISSUER)
			.audience("billing")
			.subject("mallory")
			.mint());
		kinds.put("without expiry", "Bearer " + withoutExpiry.serialize());
		return kinds.entrySet()
			.stream()
			.flatMap((kind) -> Stream.of(EchoCalls.Type.values())
				.map((type) -> Arguments.of(kind.getKey(), kind.getValue(), type)));
	}

	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	class Secured {

		private RunningGrpcApplication server;

		private ManagedChannel channel;

		@BeforeAll
		void startServer() {
			this.server = TestServers.start(new Class<?>[] { CallerTestApplication.class, CallAttributesProbe.class },
					SECURED);
			this.channel = this.server.newChannel();
		}

		@AfterAll
		void stopServer() {
			this.server.close();
		}

		@BeforeEach
		void forgetCalls() {
			this.server.bean(CallerGrpcService.class).started.clear();
			this.server.bean(CallAttributesProbe.class).principals.clear();
		}

		@ParameterizedTest(name = "{0} on {2}")
		@MethodSource("dev.grpcplatform.starter.security.GrpcSecurityIntegrationTests#badCredentials")
		void badTokenIsRejectedWithUnauthenticatedBeforeTheHandlerStarts(String kind, String authorization,
				EchoCalls.Type type) throws Exception {
			EchoCalls.Result result = EchoCalls.call(this.channel, type, EchoCalls.authorization(authorization));
			assertThat(result.status().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
			assertThat(result.status().getDescription()).isEqualTo("Invalid credentials");
			assertThat(result.errorInfo().getReason()).isEqualTo("CREDENTIALS_INVALID");
			assertThat(result.responses()).isEmpty();
			assertThat(this.server.bean(CallerGrpcService.class).started).isEmpty();
		}

		@ParameterizedTest
		@EnumSource(EchoCalls.Type.class)
		void callWithoutCredentialsIsRejectedWithUnauthenticated(EchoCalls.Type type) throws Exception {
			EchoCalls.Result result = EchoCalls.call(this.channel, type, new Metadata());
			assertThat(result.status().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
			assertThat(result.status().getDescription()).isEqualTo("Authentication required");
			assertThat(result.errorInfo().getReason()).isEqualTo("CREDENTIALS_MISSING");
			assertThat(this.server.bean(CallerGrpcService.class).started).isEmpty();
		}

		@Test
		void authorizationHeaderOfAnotherSchemeCountsAsNoCredentials() throws Exception {
			EchoCalls.Result result = EchoCalls.call(this.channel, EchoCalls.Type.UNARY,
					EchoCalls.authorization("Basic YWxpY2U6c2VjcmV0"));
			assertThat(result.status().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
			assertThat(result.status().getDescription()).isEqualTo("Authentication required");
		}

		@ParameterizedTest
		@EnumSource(EchoCalls.Type.class)
		void validTokenReachesTheHandlerWhichSeesTheCallerOnEveryCallback(EchoCalls.Type type) throws Exception {
			EchoCalls.Result result = EchoCalls.call(this.channel, type, EchoCalls.bearer(validToken("alice")));
			assertThat(result.status().getCode()).isEqualTo(Status.Code.OK);
			List<String> seen = result.responses()
				.stream()
				.flatMap((text) -> Stream.of(text.split(",")))
				.toList();
			// Collect: start, 3 messages, completion; Chat and EchoStream: 3 responses; Echo: 1.
			assertThat(seen).hasSize(switch (type) {
				case UNARY -> 1;
				case SERVER_STREAMING, BIDI_STREAMING -> 3;
				case CLIENT_STREAMING -> 5;
			}).allSatisfy((caller) -> assertThat(caller).isEqualTo("alice|alice"));
		}

		@Test
		void tokenWithBearerSchemeInAnyCaseIsAccepted() throws Exception {
			EchoCalls.Result result = EchoCalls.call(this.channel, EchoCalls.Type.UNARY,
					EchoCalls.authorization("bearer " + validToken("alice")));
			assertThat(result.status().getCode()).isEqualTo(Status.Code.OK);
		}

		@ParameterizedTest
		@EnumSource(EchoCalls.Type.class)
		void tokenWithoutScopesIsRejectedWithPermissionDeniedBeforeTheHandlerStarts(EchoCalls.Type type)
				throws Exception {
			EchoCalls.Result result = EchoCalls.call(this.channel, type, EchoCalls.bearer(token("bob").mint()));
			assertThat(result.status().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
			assertThat(result.status().getDescription()).isEqualTo("Permission denied");
			ErrorInfo errorInfo = result.errorInfo();
			assertThat(errorInfo.getReason()).isEqualTo("INSUFFICIENT_SCOPES");
			assertThat(errorInfo.getMetadataMap().get("requiredScopes")).contains("echo");
			assertThat(result.responses()).isEmpty();
			assertThat(this.server.bean(CallerGrpcService.class).started).isEmpty();
		}

		@Test
		void scopesOfConfigurationAndAnnotationAddUp() throws Exception {
			String onlyEcho = token("carol").scopes("echo").mint();
			assertThat(EchoCalls.call(this.channel, EchoCalls.Type.UNARY, EchoCalls.bearer(onlyEcho)).status().getCode())
				.isEqualTo(Status.Code.OK);
			assertThat(EchoCalls.call(this.channel, EchoCalls.Type.BIDI_STREAMING, EchoCalls.bearer(onlyEcho))
				.status()
				.getCode()).isEqualTo(Status.Code.OK);
			EchoCalls.Result annotated = EchoCalls.call(this.channel, EchoCalls.Type.SERVER_STREAMING,
					EchoCalls.bearer(onlyEcho));
			assertThat(annotated.status().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
			assertThat(annotated.errorInfo().getMetadataMap()).containsEntry("requiredScopes", "echo echo:stream");
			EchoCalls.Result configured = EchoCalls.call(this.channel, EchoCalls.Type.CLIENT_STREAMING,
					EchoCalls.bearer(onlyEcho));
			assertThat(configured.status().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
			assertThat(configured.errorInfo().getMetadataMap()).containsEntry("requiredScopes", "echo echo:collect");
		}

		@Test
		void scopesFromTheScpClaimAsAListCountToo() throws Exception {
			JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("dave")
				.issuer(ISSUER)
				.audience(AUDIENCE)
				.claim("scp", List.of("echo", "echo:stream"))
				.expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5))))
				.build();
			SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
			jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
			EchoCalls.Result result = EchoCalls.call(this.channel, EchoCalls.Type.SERVER_STREAMING,
					EchoCalls.bearer(jwt.serialize()));
			assertThat(result.status().getCode()).isEqualTo(Status.Code.OK);
			assertThat(result.responses()).containsOnly("dave|dave");
		}

		@Test
		void healthAnswersWithoutAToken() {
			HealthCheckResponse response = HealthGrpc.newBlockingStub(this.channel)
				.withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
				.check(HealthCheckRequest.getDefaultInstance());
			assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
		}

		@Test
		void invalidTokenIsRejectedEvenOnAPublicMethod() {
			String expired = token("mallory").expiresAt(Instant.now().minus(Duration.ofHours(1))).mint();
			StatusRuntimeException ex = catchThrowableOfType(StatusRuntimeException.class,
					() -> HealthGrpc.newBlockingStub(this.channel)
						.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(EchoCalls.bearer(expired)))
						.check(HealthCheckRequest.getDefaultInstance()));
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
		}

		@Test
		void reflectionIsPublicByDefault() throws Exception {
			assertThat(listServicesV1(this.channel, new Metadata())).contains("platform.testing.v1.EchoService");
		}

		@Test
		void accessDeniedByHandlerCodeIsPermissionDeniedWithoutItsMessage() {
			StatusRuntimeException ex = catchThrowableOfType(StatusRuntimeException.class,
					() -> EchoServiceGrpc.newBlockingStub(this.channel)
						.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(EchoCalls.bearer(validToken("alice"))))
						.echo(EchoRequest.newBuilder().setText("x").setFailWith("access-denied").build()));
			assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
			assertThat(ex.getStatus().getDescription()).isEqualTo("Permission denied");
		}

		@Test
		void callAttributesCarryTheCallersName() throws Exception {
			EchoCalls.call(this.channel, EchoCalls.Type.UNARY, EchoCalls.bearer(validToken("erin")));
			EchoCalls.call(this.channel, EchoCalls.Type.UNARY, new Metadata());
			assertThat(this.server.bean(CallAttributesProbe.class).principals).containsExactly("erin", "-");
		}

	}

	@Test
	void reflectionClosedByPropertyNeedsATokenForV1AndV1Alpha() throws Exception {
		String[] properties = Stream.concat(Stream.of(SECURED), Stream.of("platform.grpc.security.reflection-public=false"))
			.toArray(String[]::new);
		try (RunningGrpcApplication server = TestServers.start(new Class<?>[] { CallerTestApplication.class }, properties)) {
			ManagedChannel channel = server.newChannel();
			assertThat(catchThrowableOfType(StatusRuntimeException.class,
					() -> listServicesV1(channel, new Metadata())).getStatus().getCode())
				.isEqualTo(Status.Code.UNAUTHENTICATED);
			assertThat(catchThrowableOfType(StatusRuntimeException.class,
					() -> listServicesV1Alpha(channel, new Metadata())).getStatus().getCode())
				.isEqualTo(Status.Code.UNAUTHENTICATED);
			// Reflection needs no scope: any authenticated caller may look at the contract.
			Metadata withToken = EchoCalls.bearer(token("alice").mint());
			assertThat(listServicesV1(channel, withToken)).contains("platform.testing.v1.EchoService",
					"grpc.reflection.v1.ServerReflection");
			assertThat(listServicesV1Alpha(channel, withToken)).contains("platform.testing.v1.EchoService");
		}
	}

	@Test
	void callerDoesNotLeakIntoTheNextCallOnTheSameHandlerThread() throws Exception {
		String[] properties = Stream
			.concat(Stream.of(SECURED),
					Stream.of("platform.grpc.security.public-methods=platform.testing.v1.EchoService/Echo",
							"platform.grpc.security.required-scopes[platform.testing.v1.EchoService/*]=",
							"platform.grpc.limits.executor.max-threads=1"))
			.toArray(String[]::new);
		try (RunningGrpcApplication server = TestServers.start(new Class<?>[] { CallerTestApplication.class }, properties)) {
			ManagedChannel channel = server.newChannel();
			EchoCalls.Result authenticated = EchoCalls.call(channel, EchoCalls.Type.BIDI_STREAMING,
					EchoCalls.bearer(validToken("alice")));
			assertThat(authenticated.responses()).containsOnly("alice|alice");
			EchoCalls.Result anonymous = EchoCalls.call(channel, EchoCalls.Type.UNARY, new Metadata());
			assertThat(anonymous.status().getCode()).isEqualTo(Status.Code.OK);
			assertThat(anonymous.responses()).containsExactly("-|-");
		}
	}

	@Test
	void handlerThreadIsLeftCleanAfterManyAuthenticatedCalls() throws Exception {
		String[] properties = Stream
			.concat(Stream.of(SECURED),
					Stream.of("platform.grpc.security.required-scopes[platform.testing.v1.EchoService/*]=",
							"platform.grpc.limits.executor.max-threads=1"))
			.toArray(String[]::new);
		try (RunningGrpcApplication server = TestServers.start(new Class<?>[] { CallerTestApplication.class }, properties)) {
			ManagedChannel channel = server.newChannel();
			EchoServiceGrpc.EchoServiceFutureStub stub = EchoServiceGrpc.newFutureStub(channel)
				.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(EchoCalls.bearer(validToken("alice"))));
			// Every call runs its callbacks on the one handler thread, each with the caller's context.
			List<ListenableFuture<?>> inFlight = new ArrayList<>();
			for (int i = 0; i < 20_000; i++) {
				inFlight.add(stub.echo(EchoRequest.newBuilder().setText("x").build()));
				if (inFlight.size() == 64) {
					for (ListenableFuture<?> call : inFlight) {
						call.get(30, TimeUnit.SECONDS);
					}
					inFlight.clear();
				}
			}
			for (ListenableFuture<?> call : inFlight) {
				call.get(30, TimeUnit.SECONDS);
			}
			// Code the application runs on that thread outside a call sees no caller, at once.
			CompletableFuture<Object> outside = new CompletableFuture<>();
			server.bean(GrpcServerExecutor.class).getExecutor().execute(() -> {
				try {
					outside.complete(SecurityContextHolder.getContext()
						.getAuthentication());
				}
				catch (Throwable ex) {
					outside.complete(ex);
				}
			});
			assertThat(outside.get(30, TimeUnit.SECONDS)).isNull();
		}
	}

	@Test
	void withoutAKeyEveryTokenIsRejectedAndPublicMethodsStillAnswer() throws Exception {
		try (RunningGrpcApplication server = TestServers.start(new Class<?>[] { CallerTestApplication.class },
				"platform.grpc.security.public-methods=platform.testing.v1.EchoService/Echo")) {
			ManagedChannel channel = server.newChannel();
			assertThat(EchoCalls.call(channel, EchoCalls.Type.UNARY, new Metadata()).responses()).containsExactly("-|-");
			assertThat(EchoCalls.call(channel, EchoCalls.Type.BIDI_STREAMING, new Metadata()).status().getCode())
				.isEqualTo(Status.Code.UNAUTHENTICATED);
			assertThat(EchoCalls.call(channel, EchoCalls.Type.BIDI_STREAMING, EchoCalls.bearer(DevelopmentTokens.mint("alice")))
				.status()
				.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
		}
	}

	@Test
	void securityCanBeTurnedOff() throws Exception {
		try (RunningGrpcApplication server = TestServers.start(new Class<?>[] { CallerTestApplication.class },
				TestServers.NO_PUBLIC_METHODS, "platform.grpc.security.enabled=false")) {
			EchoCalls.Result result = EchoCalls.call(server.newChannel(), EchoCalls.Type.BIDI_STREAMING, new Metadata());
			assertThat(result.status().getCode()).isEqualTo(Status.Code.OK);
			assertThat(result.responses()).containsOnly("-|-");
		}
	}

	static List<String> listServicesV1(Channel channel, Metadata headers) throws Exception {
		LinkedBlockingQueue<Object> results = new LinkedBlockingQueue<>();
		StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
			.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
			.serverReflectionInfo(new QueueingObserver<>(results));
		requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
		requests.onCompleted();
		Object result = results.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		if (result instanceof StatusRuntimeException ex) {
			throw ex;
		}
		return ((ServerReflectionResponse) result).getListServicesResponse()
			.getServiceList()
			.stream()
			.map(ServiceResponse::getName)
			.toList();
	}

	@SuppressWarnings("deprecation")
	static List<String> listServicesV1Alpha(Channel channel, Metadata headers) throws Exception {
		LinkedBlockingQueue<Object> results = new LinkedBlockingQueue<>();
		StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests = io.grpc.reflection.v1alpha.ServerReflectionGrpc
			.newStub(channel)
			.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
			.serverReflectionInfo(new QueueingObserver<>(results));
		requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build());
		requests.onCompleted();
		Object result = results.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		if (result instanceof StatusRuntimeException ex) {
			throw ex;
		}
		return ((io.grpc.reflection.v1alpha.ServerReflectionResponse) result).getListServicesResponse()
			.getServiceList()
			.stream()
			.map(io.grpc.reflection.v1alpha.ServiceResponse::getName)
			.toList();
	}

	/**
	 * Stands in for the observability interceptor: creates the call attributes outermost and
	 * records the principal they hold when the call ends.
	 */
	@Configuration(proxyBeanMethods = false)
	static class CallAttributesProbe {

		final List<String> principals = new CopyOnWriteArrayList<>();

		@Bean
		@GlobalGrpcServerInterceptor
		@Order(PlatformInterceptorOrder.OBSERVABILITY)
		ServerInterceptor callAttributesProbeInterceptor() {
			return new ServerInterceptor() {

				@Override
				public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
						Metadata headers, ServerCallHandler<ReqT, RespT> next) {
					GrpcCallAttributes attributes = new GrpcCallAttributes();
					Context context = Context.current().withValue(GrpcCallAttributes.KEY, attributes);
					ServerCall<ReqT, RespT> recording = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {

						@Override
						public void close(Status status, Metadata trailers) {
							String principal = attributes.getPrincipal();
							CallAttributesProbe.this.principals.add((principal != null) ? principal : "-");
							super.close(status, trailers);
						}

					};
					return Contexts.interceptCall(context, recording, headers, next);
				}

			};
		}

	}

}
