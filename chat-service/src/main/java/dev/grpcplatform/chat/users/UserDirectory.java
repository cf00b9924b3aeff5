package dev.grpcplatform.chat.users;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import dev.grpcplatform.proto.chat.v1.Member;
import dev.grpcplatform.proto.user.v1.GetUserRequest;
import dev.grpcplatform.proto.user.v1.GetUserResponse;
import dev.grpcplatform.proto.user.v1.User;
import dev.grpcplatform.proto.user.v1.UserServiceGrpc;
import dev.grpcplatform.proto.user.v1.UserStatus;
import dev.grpcplatform.starter.errors.GrpcError;
import io.grpc.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Looks up the members of chat rooms in user-service, without blocking, and remembers the users
 * it found for a short time.
 *
 * <p>Call {@link #member(long)} on the thread that serves the chat call: the lookup starts there,
 * so the channel forwards the caller's bearer token (the caller needs the scope users:read for
 * user-service). A user found in the cache is not asked for again, with whatever token.
 */
@Component
public class UserDirectory {

	private static final Log logger = LogFactory.getLog(UserDirectory.class);

	private final UserServiceGrpc.UserServiceFutureStub users;

	private final Duration deadline;

	/**
	 * Users found; failures are not remembered.
	 */
	private final Cache<Long, User> cache;

	/**
	 * Creates a directory on the given stub.
	 * @param users stub of user-service
	 * @param properties deadline and cache settings
	 */
	public UserDirectory(UserServiceGrpc.UserServiceFutureStub users, UserLookupProperties properties) {
		this.users = users;
		this.deadline = properties.getDeadline();
		this.cache = (properties.getCacheSize() > 0) ? Caffeine.newBuilder()
			.maximumSize(properties.getCacheSize())
			.expireAfterWrite(properties.getCacheTtl())
			.build() : null;
	}

	/**
	 * Returns the member that a user id names.
	 * @param userId the user id
	 * @return the member; fails with a {@code GrpcErrorException}: {@code NOT_FOUND} for an unknown
	 * user, {@code FAILED_PRECONDITION} for an inactive one, {@code UNAVAILABLE} when user-service
	 * cannot answer in time, {@code PERMISSION_DENIED} when it refuses the caller's token
	 */
	public CompletableFuture<Member> member(long userId) {
		User cached = (this.cache != null) ? this.cache.getIfPresent(userId) : null;
		CompletableFuture<User> user = (cached != null) ? CompletableFuture.completedFuture(cached) : lookUp(userId);
		return user.thenApply((found) -> {
			if (found.getStatus() != UserStatus.USER_STATUS_ACTIVE) {
				throw GrpcError.builder(Status.Code.FAILED_PRECONDITION, "user " + userId + " is not active")
					.reason("USER_INACTIVE")
					.metadata("userId", Long.toString(userId))
					.build()
					.asException();
			}
			return Member.newBuilder().setUserId(found.getId()).setName(found.getName()).build();
		});
	}

	private CompletableFuture<User> lookUp(long userId) {
		CompletableFuture<User> result = new CompletableFuture<>();
		ListenableFuture<GetUserResponse> call = this.users
			.withDeadlineAfter(this.deadline.toNanos(), TimeUnit.NANOSECONDS)
			.getUser(GetUserRequest.newBuilder().setId(userId).build());
		Futures.addCallback(call, new FutureCallback<>() {

			@Override
			public void onSuccess(GetUserResponse response) {
				if (UserDirectory.this.cache != null) {
					UserDirectory.this.cache.put(userId, response.getUser());
				}
				result.complete(response.getUser());
			}

			@Override
			public void onFailure(Throwable failure) {
				result.completeExceptionally(translate(userId, Status.fromThrowable(failure)));
			}

		}, MoreExecutors.directExecutor());
		return result;
	}

	static RuntimeException translate(long userId, Status status) {
		String id = Long.toString(userId);
		return switch (status.getCode()) {
			case NOT_FOUND -> GrpcError.builder(Status.Code.NOT_FOUND, "user " + userId + " not found")
				.reason("USER_NOT_FOUND")
				.metadata("userId", id)
				.build()
				.asException();
			case PERMISSION_DENIED, UNAUTHENTICATED -> GrpcError
				.builder(Status.Code.PERMISSION_DENIED,
						"user-service refused to look up user " + userId
								+ "; the caller's token needs the scope users:read")
				.reason("USER_LOOKUP_DENIED")
				.metadata("userId", id)
				.build()
				.asException();
			default -> {
				if (status.getCode() != Status.Code.UNAVAILABLE && status.getCode() != Status.Code.DEADLINE_EXCEEDED) {
					logger.warn("user-service failed to look up user " + userId + ": " + status);
				}
				yield GrpcError.builder(Status.Code.UNAVAILABLE, "user-service unavailable; retry later")
					.reason("USER_SERVICE_UNAVAILABLE")
					.build()
					.asException();
			}
		};
	}

}
