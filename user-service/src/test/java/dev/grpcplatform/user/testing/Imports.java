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
		SummaryObserver summary = new SummaryObserver() {

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

		};
		stub.importUsers(summary);
		try {
			return summary.summary().get(2, TimeUnit.MINUTES);
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

	/**
	 * Receives the summary of an import into a future; subclasses decide how items are sent.
	 */
	public static class SummaryObserver implements ClientResponseObserver<ImportUsersRequest, ImportUsersResponse> {

		private final CompletableFuture<ImportUsersResponse> summary = new CompletableFuture<>();

		public CompletableFuture<ImportUsersResponse> summary() {
			return this.summary;
		}

		@Override
		public void beforeStart(ClientCallStreamObserver<ImportUsersRequest> requests) {
		}

		@Override
		public void onNext(ImportUsersResponse response) {
			this.summary.complete(response);
		}

		@Override
		public void onError(Throwable error) {
			this.summary.completeExceptionally(error);
		}

		@Override
		public void onCompleted() {
			this.summary.completeExceptionally(new IllegalStateException("completed without a summary"));
		}

	}

}
