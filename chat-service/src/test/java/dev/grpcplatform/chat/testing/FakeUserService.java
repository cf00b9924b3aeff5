package dev.grpcplatform.chat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.grpcplatform.proto.user.v1.GetUserRequest;
import dev.grpcplatform.proto.user.v1.GetUserResponse;
import dev.grpcplatform.proto.user.v1.User;
import dev.grpcplatform.proto.user.v1.UserServiceGrpc;
import dev.grpcplatform.proto.user.v1.UserStatus;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

/**
 * A stand-in for user-service on a real socket, built on the real generated stubs: answers GetUser
 * from the users added to it, and records the authorization header of every call.
 */
public final class FakeUserService implements AutoCloseable {

	private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
			Metadata.ASCII_STRING_MARSHALLER);

	private final Map<Long, User> users = new ConcurrentHashMap<>();

	private final List<String> authorizations = new CopyOnWriteArrayList<>();

	private final AtomicInteger lookups = new AtomicInteger();

	private final AtomicInteger failures = new AtomicInteger();

	private final UserServiceGrpc.UserServiceImplBase service;

	private final io.grpc.ServerInterceptor recorder;

	private int port;

	private Server server;

	private FakeUserService() {
		UserServiceGrpc.UserServiceImplBase service = new UserServiceGrpc.UserServiceImplBase() {

			@Override
			public void getUser(GetUserRequest request, StreamObserver<GetUserResponse> responses) {
				FakeUserService.this.lookups.incrementAndGet();
				if (FakeUserService.this.failures.getAndUpdate((left) -> Math.max(left - 1, 0)) > 0) {
					responses.onError(Status.UNAVAILABLE.withDescription("instance going away").asRuntimeException());
					return;
				}
				User user = FakeUserService.this.users.get(request.getId());
				if (user == null) {
					responses.onError(
							Status.NOT_FOUND.withDescription("user " + request.getId() + " not found").asRuntimeException());
					return;
				}
				responses.onNext(GetUserResponse.newBuilder().setUser(user).build());
				responses.onCompleted();
			}

		};
		this.service = service;
		this.recorder = new io.grpc.ServerInterceptor() {

				@Override
				public <ReqT, RespT> io.grpc.ServerCall.Listener<ReqT> interceptCall(
						io.grpc.ServerCall<ReqT, RespT> call, Metadata headers,
						io.grpc.ServerCallHandler<ReqT, RespT> next) {
					String authorization = headers.get(AUTHORIZATION);
					FakeUserService.this.authorizations.add((authorization != null) ? authorization : "");
					return next.startCall(call, headers);
				}

		};
	}

	private void listen(int listenPort) {
		this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", listenPort))
			.addService(ServerInterceptors.intercept(this.service, this.recorder))
			.build();
		try {
			this.server.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.port = this.server.getPort();
	}

	/**
	 * Starts a fake on a free port of the loopback address.
	 * @return the running fake
	 */
	public static FakeUserService start() {
		FakeUserService fake = new FakeUserService();
		fake.listen(0);
		return fake;
	}

	/**
	 * Adds an active user.
	 * @param id the id
	 * @param name the name
	 * @return this fake
	 */
	public FakeUserService user(long id, String name) {
		return user(id, name, UserStatus.USER_STATUS_ACTIVE);
	}

	/**
	 * Adds a user.
	 * @param id the id
	 * @param name the name
	 * @param status the status
	 * @return this fake
	 */
	public FakeUserService user(long id, String name, UserStatus status) {
		this.users.put(id,
				User.newBuilder().setId(id).setName(name).setEmail("user" + id + "@example.com").setStatus(status).build());
		return this;
	}

	/**
	 * Makes the next lookups fail with UNAVAILABLE.
	 * @param count how many
	 * @return this fake
	 */
	public FakeUserService failNext(int count) {
		this.failures.set(count);
		return this;
	}

	/**
	 * Returns the property that points chat-service's user-service channel at this fake.
	 * @return a {@code key=value} property
	 */
	public String addressProperty() {
		return ChatServiceUnderTest.userServiceAddress(this.port);
	}

	/**
	 * Returns the authorization headers of the calls received, in order ("" for none).
	 * @return the headers
	 */
	public List<String> authorizations() {
		return List.copyOf(this.authorizations);
	}

	/**
	 * Returns the number of GetUser calls received.
	 * @return the number of lookups
	 */
	public int lookups() {
		return this.lookups.get();
	}

	/**
	 * Starts the fake again on its port, after {@link #close()}.
	 */
	public void restart() {
		listen(this.port);
	}

	@Override
	public void close() {
		this.server.shutdownNow();
		try {
			this.server.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
