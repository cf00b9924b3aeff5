package dev.grpcplatform.starter.tracing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.grpcplatform.starter.client.GrpcChannels;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoResponse;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Echo service that records what tracing context its handler code sees, and relays a request whose
 * text starts with {@code relay:} to itself through the channel {@code self}.
 */
class TracedEchoService extends EchoServiceGrpc.EchoServiceImplBase {

	/**
	 * What handler code saw, in order.
	 */
	final List<Seen> seen = new CopyOnWriteArrayList<>();

	private final ObjectProvider<GrpcChannels> channels;

	TracedEchoService(ObjectProvider<GrpcChannels> channels) {
		this.channels = channels;
	}

	@Override
	public void echo(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
		record("echo:" + request.getText());
		if (request.getFailWith().equals("not-found")) {
			responseObserver.onError(Status.NOT_FOUND.withDescription("no such echo").asRuntimeException());
			return;
		}
		if (request.getFailWith().equals("internal")) {
			throw new IllegalStateException("handler bug");
		}
		String text = request.getText();
		if (text.startsWith("relay:")) {
			EchoResponse downstream = EchoServiceGrpc.newBlockingStub(this.channels.getObject().channel("self"))
				.echo(EchoRequest.newBuilder().setText(text.substring("relay:".length())).build());
			text = "relayed " + downstream.getText();
		}
		responseObserver.onNext(EchoResponse.newBuilder().setText(text).build());
		responseObserver.onCompleted();
	}

	@Override
	public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responseObserver) {
		record("chat-start");
		return new StreamObserver<>() {

			@Override
			public void onNext(EchoRequest request) {
				record("chat:" + request.getText());
				responseObserver.onNext(EchoResponse.newBuilder().setText(request.getText()).build());
			}

			@Override
			public void onError(Throwable t) {
				record("chat-error");
			}

			@Override
			public void onCompleted() {
				record("chat-completed");
				responseObserver.onCompleted();
			}

		};
	}

	private void record(String what) {
		this.seen.add(new Seen(what, Span.current().getSpanContext(), Baggage.current().getEntryValue("tenant"),
				Thread.currentThread().getName()));
	}

	record Seen(String what, SpanContext span, String tenant, String thread) {
	}

}
