package dev.grpcplatform.user.testing;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.grpcplatform.proto.user.v1.CreateUserRequest;
import dev.grpcplatform.proto.user.v1.ImportUsersRequest;
import dev.grpcplatform.proto.user.v1.ImportUsersResponse;
import dev.grpcplatform.proto.user.v1.UserServiceGrpc;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/**
 * Client side of ImportUsers as a well-behaved client does it: sends items only while the
 * transport is ready, so neither side buffers the whole stream.
 */
public final class Imports {

	private Imports() {
	}

	public static ImportUsersRequest item(CreateUserRequest user) {
		return ImportUsersRequest.newBuilder().setUser(user).build();
	}

	/**
	 * Streams the items and waits for the summary.
	 * @param stub stub to call
	 * @param items items to send
	 * @return the summary
	 * @throws StatusRuntimeException if the call fails
	 */
	public static ImportUsersResponse importUsers(UserServiceGrpc.UserServiceStub stub,
			Iterator<ImportUsersRequest> items) {
		CompletableFuture<ImportUsersResponse> summary = new CompletableFuture<>();
		stub.importUsers(new ClientResponseObserver<ImportUsersRequest, ImportUsersResponse>() {

			private boolean halfClosed;

			@Override
			public void beforeStart(ClientCallStreamObserver<ImportUsersRequest> requests) {
				requests.setOnReadyHandler(() -> {
					while (requests.isReady() && items.hasNext()) {
						requests.onNext(items.next());
					}
					if (!items.hasNext() && !this.halfClosed) {
						this.halfClosed = true;
						requests.onCompleted();
					}
				});
			}

			@Override
			public void onNext(ImportUsersResponse response) {
				summary.complete(response);
			}

			@Override
			public void onError(Throwable error) {
				summary.completeExceptionally(error);
			}

			@Override
			public void onCompleted() {
				summary.completeExceptionally(new IllegalStateException("completed without a summary"));
			}

		});
		try {
			return summary.get(2, TimeUnit.MINUTES);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof StatusRuntimeException status) {
				throw status;
			}
			throw new IllegalStateException(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("no summary within 2 minutes", ex);
		}
	}

}
