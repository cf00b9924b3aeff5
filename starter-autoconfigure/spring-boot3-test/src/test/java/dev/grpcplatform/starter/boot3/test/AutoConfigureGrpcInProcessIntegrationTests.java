package dev.grpcplatform.starter.boot3.test;

import dev.grpcplatform.starter.testing.TestGrpcApplication;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

import net.devh.boot.grpc.client.inject.GrpcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Integration tests for {@link AutoConfigureGrpcInProcess} in a user's {@code @SpringBootTest}.
 */
@SpringBootTest(classes = TestGrpcApplication.class,
		properties = "platform.grpc.security.public-methods=platform.testing.v1.EchoService/*")
@AutoConfigureGrpcInProcess
class AutoConfigureGrpcInProcessIntegrationTests {

	@Autowired
	private ManagedChannel channel;

	@Autowired
	private Environment environment;

	@GrpcClient("inProcess")
	private EchoServiceGrpc.EchoServiceBlockingStub injectedStub;

	@Test
	void injectedChannelReachesTheApplicationsServices() {
		EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(this.channel);
		assertThat(stub.echo(EchoRequest.newBuilder().setText("hello").build()).getText()).isEqualTo("hello");
	}

	@Test
	void grpcClientStubsReachTheSameServer() {
		assertThat(this.injectedStub.echo(EchoRequest.newBuilder().setText("via client").build()).getText())
			.isEqualTo("via client");
	}

	@Test
	void platformInterceptorsApplyInProcessToo() {
		EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(this.channel);
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub.echo(EchoRequest.newBuilder().setText("x".repeat(10)).setRepeat(-1).build()))
			.extracting((ex) -> ex.getStatus().getCode())
			.isEqualTo(Status.Code.INVALID_ARGUMENT);
	}

	@Test
	void noNetworkPortIsOpened() {
		assertThat(this.environment.getProperty("local.grpc.port")).isNull();
	}

}
