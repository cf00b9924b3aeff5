package dev.grpcplatform.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.grpcplatform.proto.user.v1.GetUserRequest;
import dev.grpcplatform.proto.user.v1.GetUserResponse;
import dev.grpcplatform.proto.user.v1.User;
import dev.grpcplatform.proto.user.v1.UserServiceGrpc;
import dev.grpcplatform.proto.user.v1.UserStatus;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

/**
 * The user service both chat servers look their members up in: {@code platform.user.v1.UserService}
 * served from the harness's process, answering GetUser at once for every positive id (an active
 * user named {@code member-<id>}), so that a join measures the chat server, not a database.
 *
 * <p>Calls without a bearer token fail with UNAUTHENTICATED, so the chat servers must forward the
 * caller's token as chat-service does in production.
 */
final class ChatBenchUsers implements AutoCloseable {

	private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
			Metadata.ASCII_STRING_MARSHALLER);

	private final AtomicLong lookups = new AtomicLong();

	private final AtomicLong refused = new AtomicLong();

	private final Server server;

	ChatBenchUsers() throws IOException {
		ServerInterceptor requireToken = new ServerInterceptor() {

			@Override
			public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
					ServerCallHandler<Q, R> next) {
				String authorization = headers.get(AUTHORIZATION);
				if (authorization == null || !authorization.startsWith("Bearer ")) {
					ChatBenchUsers.this.refused.incrementAndGet();
					call.close(Status.UNAUTHENTICATED.withDescription("Authentication required"), new Metadata());
					return new ServerCall.Listener<>() {
					};
				}
				return next.startCall(call, headers);
			}

		};
		this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
			.directExecutor()
			.addService(ServerInterceptors.intercept(new Users(), requireToken))
			.build()
			.start();
	}

	/**
	 * Returns where the chat servers find this service.
	 * @return {@code 127.0.0.1:<port>}
	 */
	String target() {
		return "127.0.0.1:" + this.server.getPort();
	}

	long lookups() {
		return this.lookups.get();
	}

	long refused() {
		return this.refused.get();
	}

	static String name(long userId) {
		return "member-" + userId;
	}

	@Override
	public void close() {
		try {
			this.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private final class Users extends UserServiceGrpc.UserServiceImplBase {

		@Override
		public void getUser(GetUserRequest request, StreamObserver<GetUserResponse> responses) {
			ChatBenchUsers.this.lookups.incrementAndGet();
			if (request.getId() <= 0) {
				responses.onError(Status.NOT_FOUND.withDescription("user " + request.getId() + " not found")
					.asRuntimeException());
				return;
			}
			responses.onNext(GetUserResponse.newBuilder()
				.setUser(User.newBuilder()
					.setId(request.getId())
					.setName(name(request.getId()))
					.setEmail(name(request.getId()) + "@example.com")
					.setStatus(UserStatus.USER_STATUS_ACTIVE))
				.build());
			responses.onCompleted();
		}

	}

}
