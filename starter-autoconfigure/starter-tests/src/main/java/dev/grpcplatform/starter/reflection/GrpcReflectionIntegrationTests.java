package dev.grpcplatform.starter.reflection;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.testing.QueueingObserver;
import dev.grpcplatform.starter.testing.TestServers;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for gRPC server reflection over a real socket.
 */
class GrpcReflectionIntegrationTests {

	@Test
	void reflectionV1ListsEveryService() throws Exception {
		try (RunningGrpcApplication server = TestServers.start()) {
			ServerReflectionResponse response = reflect(server.newChannel(),
					ServerReflectionRequest.newBuilder().setListServices("").build());
			List<String> names = response.getListServicesResponse()
				.getServiceList()
				.stream()
				.map(ServiceResponse::getName)
				.toList();
			assertThat(names).contains("platform.testing.v1.EchoService", "grpc.health.v1.Health",
					"grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");
		}
	}

	@Test
	void reflectionV1DescribesTheFileOfASymbol() throws Exception {
		try (RunningGrpcApplication server = TestServers.start()) {
			ServerReflectionResponse response = reflect(server.newChannel(),
					ServerReflectionRequest.newBuilder().setFileContainingSymbol("platform.testing.v1.EchoService").build());
			assertThat(response.getFileDescriptorResponse().getFileDescriptorProtoCount()).isPositive();
		}
	}

	@Test
	void reflectionV1AlphaStillAnswersOlderTools() throws Exception {
		try (RunningGrpcApplication server = TestServers.start()) {
			LinkedBlockingQueue<Object> results = new LinkedBlockingQueue<>();
			@SuppressWarnings("deprecation")
			StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests = io.grpc.reflection.v1alpha.ServerReflectionGrpc
				.newStub(server.newChannel())
				.serverReflectionInfo(new QueueingObserver<>(results));
			requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build());
			requests.onCompleted();
			Object result = results.poll(10, TimeUnit.SECONDS);
			assertThat(result).isInstanceOf(io.grpc.reflection.v1alpha.ServerReflectionResponse.class);
			assertThat(((io.grpc.reflection.v1alpha.ServerReflectionResponse) result).getListServicesResponse()
				.getServiceList()).extracting(io.grpc.reflection.v1alpha.ServiceResponse::getName)
				.contains("platform.testing.v1.EchoService");
		}
	}

	@Test
	void reflectionCanBeTurnedOff() throws Exception {
		try (RunningGrpcApplication server = TestServers.start("platform.grpc.reflection.enabled=false")) {
			assertThat(org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
					() -> reflect(server.newChannel(), ServerReflectionRequest.newBuilder().setListServices("").build()))
				.getStatus()
				.getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
		}
	}

	private static ServerReflectionResponse reflect(ManagedChannel channel, ServerReflectionRequest request)
			throws Exception {
		LinkedBlockingQueue<Object> results = new LinkedBlockingQueue<>();
		StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
			.serverReflectionInfo(new QueueingObserver<>(results));
		requests.onNext(request);
		requests.onCompleted();
		Object result = results.poll(10, TimeUnit.SECONDS);
		if (result instanceof StatusRuntimeException ex) {
			throw ex;
		}
		assertThat(result).isInstanceOf(ServerReflectionResponse.class);
		return (ServerReflectionResponse) result;
	}

}
