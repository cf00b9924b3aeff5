package dev.grpcplatform.bench;

import dev.grpcplatform.bench.v1.BenchRequest;
import dev.grpcplatform.bench.v1.BenchResponse;
import dev.grpcplatform.bench.v1.BenchServiceGrpc;
import io.grpc.stub.StreamObserver;

/**
 * The service every variant serves: it echoes payloads, so that the server's own work is as small
 * as the framework's.
 */
public class BenchServiceImpl extends BenchServiceGrpc.BenchServiceImplBase {

	@Override
	public void unary(BenchRequest request, StreamObserver<BenchResponse> responseObserver) {
		responseObserver.onNext(BenchResponse.newBuilder().setPayload(request.getPayload()).build());
		responseObserver.onCompleted();
	}

	@Override
	public StreamObserver<BenchRequest> stream(StreamObserver<BenchResponse> responseObserver) {
		return new StreamObserver<>() {

			@Override
			public void onNext(BenchRequest request) {
				responseObserver.onNext(BenchResponse.newBuilder().setPayload(request.getPayload()).build());
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

}
