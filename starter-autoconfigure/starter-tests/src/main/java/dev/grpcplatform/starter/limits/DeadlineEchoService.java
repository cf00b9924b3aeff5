package dev.grpcplatform.starter.limits;

import java.util.concurrent.TimeUnit;

import dev.grpcplatform.starter.testing.EchoGrpcService;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoResponse;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;

/**
 * Echo service whose handlers answer the text {@value #ASK} with the deadline they run with: its
 * remaining milliseconds, or {@code none}.
 */
class DeadlineEchoService extends EchoGrpcService {

	static final String ASK = "deadline?";

	@Override
	public void echo(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
		if (!answerDeadline(request, responseObserver)) {
			super.echo(request, responseObserver);
		}
	}

	@Override
	public void echoStream(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
		if (!answerDeadline(request, responseObserver)) {
			super.echoStream(request, responseObserver);
		}
	}

	@Override
	public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responseObserver) {
		return new StreamObserver<>() {

			@Override
			public void onNext(EchoRequest request) {
				responseObserver.onNext(EchoResponse.newBuilder().setText(deadline()).build());
			}

			@Override
			public void onError(Throwable t) {
			}

			@Override
			public void onCompleted() {
				responseObserver.onCompleted();
			}

		};
	}

	private static boolean answerDeadline(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
		if (!ASK.equals(request.getText())) {
			return false;
		}
		responseObserver.onNext(EchoResponse.newBuilder().setText(deadline()).build());
		responseObserver.onCompleted();
		return true;
	}

	private static String deadline() {
		Deadline deadline = Context.current().getDeadline();
		return (deadline != null) ? Long.toString(deadline.timeRemaining(TimeUnit.MILLISECONDS)) : "none";
	}

}
