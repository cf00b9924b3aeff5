package dev.grpcplatform.starter.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import dev.grpcplatform.starter.testing.v1.CreateItemRequest;
import dev.grpcplatform.starter.testing.v1.GetItemRequest;
import dev.grpcplatform.starter.testing.v1.Item;
import dev.grpcplatform.starter.testing.v1.ItemServiceGrpc;
import dev.grpcplatform.starter.testing.v1.ListItemsRequest;
import dev.grpcplatform.starter.testing.v1.SearchItemsRequest;
import dev.grpcplatform.starter.testing.v1.SearchItemsResponse;
import dev.grpcplatform.starter.testing.v1.UpdateItemRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * Test implementation of {@code platform.testing.v1.ItemService}: items in memory, errors as a
 * service would raise them ({@link NoSuchElementException} for an unknown id).
 */
public class ItemGrpcService extends ItemServiceGrpc.ItemServiceImplBase {

	/**
	 * Shelves whose ListItems stream the handler saw cancelled.
	 */
	public final List<String> cancelledLists = new CopyOnWriteArrayList<>();

	private final Map<String, Item> items = new ConcurrentHashMap<>();

	private final AtomicLong ids = new AtomicLong();

	@Override
	public void getItem(GetItemRequest request, StreamObserver<Item> responseObserver) {
		Item item = this.items.get(request.getId());
		if (item == null || (!request.getShelf().isEmpty() && !request.getShelf().equals(item.getShelf()))) {
			throw new NoSuchElementException("No item " + request.getId());
		}
		responseObserver.onNext(item);
		responseObserver.onCompleted();
	}

	@Override
	public void createItem(CreateItemRequest request, StreamObserver<Item> responseObserver) {
		Item item = request.getItem()
			.toBuilder()
			.setId("item-" + this.ids.incrementAndGet())
			.setShelf(request.getShelf())
			.build();
		this.items.put(item.getId(), item);
		responseObserver.onNext(item);
		responseObserver.onCompleted();
	}

	@Override
	public void updateItem(UpdateItemRequest request, StreamObserver<Item> responseObserver) {
		Item existing = this.items.get(request.getItem().getId());
		if (existing == null) {
			throw new NoSuchElementException("No item " + request.getItem().getId());
		}
		Item item = request.getItem().toBuilder().setShelf(existing.getShelf()).build();
		this.items.put(item.getId(), item);
		responseObserver.onNext(item);
		responseObserver.onCompleted();
	}

	@Override
	public void searchItems(SearchItemsRequest request, StreamObserver<SearchItemsResponse> responseObserver) {
		responseObserver.onNext(search(request));
		responseObserver.onCompleted();
	}

	@Override
	public void countItems(SearchItemsRequest request, StreamObserver<SearchItemsResponse> responseObserver) {
		responseObserver.onNext(SearchItemsResponse.newBuilder().setTotal(search(request).getTotal()).build());
		responseObserver.onCompleted();
	}

	private SearchItemsResponse search(SearchItemsRequest request) {
		List<Item> found = new ArrayList<>();
		for (Item item : this.items.values()) {
			if (item.getName().contains(request.getName()) && item.getTagsList().containsAll(request.getTagsList())
					&& (request.getLimit() == 0 || found.size() < request.getLimit())) {
				found.add(item);
			}
		}
		found.sort((a, b) -> a.getId().compareTo(b.getId()));
		return SearchItemsResponse.newBuilder().addAllItems(found).setTotal(found.size()).build();
	}

	@Override
	public void listItems(ListItemsRequest request, StreamObserver<Item> responseObserver) {
		ServerCallStreamObserver<Item> observer = (ServerCallStreamObserver<Item>) responseObserver;
		observer.setOnCancelHandler(() -> this.cancelledLists.add(request.getShelf()));
		List<Item> shelf = new ArrayList<>();
		this.items.values().stream().filter((item) -> item.getShelf().equals(request.getShelf())).forEach(shelf::add);
		shelf.sort((a, b) -> a.getId().compareTo(b.getId()));
		int count = (request.getCount() > 0 && !shelf.isEmpty()) ? request.getCount() : shelf.size();
		for (int i = 0; i < count && !observer.isCancelled(); i++) {
			if (request.getFailAfter() > 0 && i == request.getFailAfter()) {
				observer.onError(Status.NOT_FOUND.withDescription("Shelf emptied while listing").asRuntimeException());
				return;
			}
			observer.onNext(shelf.get(i % shelf.size()));
			pause(request.getDelayMillis());
		}
		if (!observer.isCancelled()) {
			observer.onCompleted();
		}
	}

	@Override
	public StreamObserver<Item> importItems(StreamObserver<SearchItemsResponse> responseObserver) {
		List<Item> imported = new ArrayList<>();
		return new StreamObserver<>() {

			@Override
			public void onNext(Item item) {
				imported.add(item);
			}

			@Override
			public void onError(Throwable t) {
			}

			@Override
			public void onCompleted() {
				responseObserver.onNext(SearchItemsResponse.newBuilder().setTotal(imported.size()).build());
				responseObserver.onCompleted();
			}

		};
	}

	private static void pause(int millis) {
		if (millis > 0) {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
