package dev.grpcplatform.user.user;

import java.util.List;

import dev.grpcplatform.proto.user.v1.ListUsersResponse;
import dev.grpcplatform.proto.user.v1.UserStatus;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * One ListUsers stream: reads a page from the database only when the transport can take another
 * message, so that memory stays flat however many users match and however slowly the client
 * reads.
 *
 * <p>{@link #sendWhileReady()} runs when the call starts and again from every on-ready callback;
 * it sends pages while {@link ServerCallStreamObserver#isReady()} holds and returns as soon as it
 * does not, so no thread waits for the client. grpc-java runs these callbacks, and the cancel
 * handler, one at a time for a call, so the state needs no locking. A cancelled call (the client
 * went away or its deadline passed) stops the reading before the next query.
 */
final class UserListing {

	private final UserRepository repository;

	private final ServerCallStreamObserver<ListUsersResponse> responses;

	private final UserStatus statusFilter;

	private final int pageSize;

	private long lastId;

	private boolean done;

	UserListing(UserRepository repository, ServerCallStreamObserver<ListUsersResponse> responses, PageToken start,
			int pageSize) {
		this.repository = repository;
		this.responses = responses;
		this.statusFilter = start.statusFilter();
		this.lastId = start.lastId();
		this.pageSize = pageSize;
	}

	/**
	 * Registers the flow-control and cancellation callbacks and sends what the transport takes
	 * now; must run within the handler method.
	 */
	void start() {
		this.responses.setOnCancelHandler(() -> this.done = true);
		this.responses.setOnReadyHandler(this::sendWhileReady);
		sendWhileReady();
	}

	private void sendWhileReady() {
		try {
			while (!this.done && this.responses.isReady()) {
				if (this.responses.isCancelled()) {
					this.done = true;
					return;
				}
				sendNextPage();
			}
		}
		catch (RuntimeException ex) {
			// The platform's error mapping ends the call (UNAVAILABLE while the database is down).
			this.done = true;
			throw ex;
		}
	}

	private void sendNextPage() {
		// One row more than a page tells whether this page is the last without another query.
		List<StoredUser> rows = (this.statusFilter == UserStatus.USER_STATUS_UNSPECIFIED)
				? this.repository.findPage(this.lastId, this.pageSize + 1)
				: this.repository.findPageWithStatus(UserMessages.toStatus(this.statusFilter), this.lastId,
						this.pageSize + 1);
		boolean last = rows.size() <= this.pageSize;
		List<StoredUser> page = last ? rows : rows.subList(0, this.pageSize);
		if (!page.isEmpty()) {
			this.lastId = page.get(page.size() - 1).id();
			ListUsersResponse.Builder response = ListUsersResponse.newBuilder();
			for (StoredUser user : page) {
				response.addUsers(UserMessages.toMessage(user));
			}
			if (!last) {
				response.setNextPageToken(new PageToken(this.lastId, this.statusFilter).encode());
			}
			this.responses.onNext(response.build());
		}
		if (last) {
			this.done = true;
			this.responses.onCompleted();
		}
	}

}
