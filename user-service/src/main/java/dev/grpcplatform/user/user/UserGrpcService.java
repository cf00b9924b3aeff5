package dev.grpcplatform.user.user;

import java.security.MessageDigest;

import build.buf.protovalidate.Validator;
import dev.grpcplatform.proto.user.v1.CreateUserRequest;
import dev.grpcplatform.proto.user.v1.CreateUserResponse;
import dev.grpcplatform.proto.user.v1.GetUserRequest;
import dev.grpcplatform.proto.user.v1.GetUserResponse;
import dev.grpcplatform.proto.user.v1.ImportUsersRequest;
import dev.grpcplatform.proto.user.v1.ImportUsersResponse;
import dev.grpcplatform.proto.user.v1.ListUsersRequest;
import dev.grpcplatform.proto.user.v1.ListUsersResponse;
import dev.grpcplatform.proto.user.v1.UserServiceGrpc;
import dev.grpcplatform.starter.errors.GrpcError;
import dev.grpcplatform.starter.security.RequireScopes;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import org.springframework.stereotype.Service;

/**
 * {@code platform.user.v1.UserService} on the {@code users} table.
 *
 * <p>The platform has validated every request message before a method runs (the nested users of
 * an import excepted, which {@link UserImport} validates one by one), and maps what the methods
 * throw to statuses: a duplicate email ({@code DuplicateKeyException}) to {@code ALREADY_EXISTS},
 * a database that cannot be reached to {@code UNAVAILABLE}.
 *
 * <p>A plain Spring bean: the platform serves every {@code BindableService} bean, on either Boot line.
 */
@Service
public class UserGrpcService extends UserServiceGrpc.UserServiceImplBase {

	static final int DEFAULT_PAGE_SIZE = 100;

	private final UserRepository repository;

	private final Validator validator;

	UserGrpcService(UserRepository repository, Validator validator) {
		this.repository = repository;
		this.validator = validator;
	}

	@RequireScopes("users:read")
	@Override
	public void getUser(GetUserRequest request, StreamObserver<GetUserResponse> responses) {
		StoredUser user = this.repository.findById(request.getId())
			.orElseThrow(() -> GrpcError.builder(Status.Code.NOT_FOUND, "user " + request.getId() + " not found")
				.reason("USER_NOT_FOUND")
				.metadata("id", Long.toString(request.getId()))
				.build()
				.asException());
		responses.onNext(GetUserResponse.newBuilder().setUser(UserMessages.toMessage(user)).build());
		responses.onCompleted();
	}

	@RequireScopes("users:write")
	@Override
	public void createUser(CreateUserRequest request, StreamObserver<CreateUserResponse> responses) {
		StoredUser user = request.getIdempotencyKey().isEmpty() ? this.repository.insert(UserMessages.toNewUser(request))
				: insertOnce(request);
		responses.onNext(CreateUserResponse.newBuilder().setUser(UserMessages.toMessage(user)).build());
		responses.onCompleted();
	}

	/**
	 * Stores the user of a request with an idempotency key, or returns the user a first attempt of
	 * the same request stored.
	 */
	private StoredUser insertOnce(CreateUserRequest request) {
		String key = request.getIdempotencyKey();
		byte[] fingerprint = UserMessages.fingerprint(request);
		return this.repository.insertUnlessKeyStored(UserMessages.toNewUser(request), key, fingerprint)
			.orElseGet(() -> {
				byte[] stored = this.repository.findRequestFingerprint(key).orElseThrow();
				if (!MessageDigest.isEqual(stored, fingerprint)) {
					throw GrpcError.builder(Status.Code.INVALID_ARGUMENT,
							"idempotency_key was used before for a request with other fields")
						.reason("IDEMPOTENCY_KEY_REUSED")
						.fieldViolation("idempotency_key", "was used before for a request with other fields")
						.build()
						.asException();
				}
				return this.repository.findByIdempotencyKey(key).orElseThrow();
			});
	}

	@RequireScopes("users:read")
	@Override
	public void listUsers(ListUsersRequest request, StreamObserver<ListUsersResponse> responses) {
		PageToken start = PageToken.decode(request.getPageToken(), request.getStatusFilter());
		int pageSize = (request.getPageSize() == 0) ? DEFAULT_PAGE_SIZE : request.getPageSize();
		new UserListing(this.repository, (ServerCallStreamObserver<ListUsersResponse>) responses, start, pageSize)
			.start();
	}

	@RequireScopes("users:write")
	@Override
	public StreamObserver<ImportUsersRequest> importUsers(StreamObserver<ImportUsersResponse> responses) {
		return new UserImport(this.repository, this.validator, responses);
	}

}
