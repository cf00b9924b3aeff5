package dev.grpcplatform.starter.boot4.test;

import dev.grpcplatform.starter.testing.TestGrpcApplication;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.grpc.client.ImportGrpcClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Integration tests for {@link AutoConfigureGrpcInProcess} in a user's {@code @SpringBootTest} on
 * Spring Boot 4.1.
 */
@SpringBootTest(classes = { TestGrpcApplication.class, AutoConfigureGrpcInProcessIntegrationTests.Clients.class },
		properties = "platform.grpc.security.public-methods=platform.testing.v1.EchoService/*")
@AutoConfigureGrpcInProcess
class AutoConfigureGrpcInProcessIntegrationTests {

	@Autowired
	private ManagedChannel channel;

	@Autowired
	private Environment environment;

	@Autowired
	private EchoServiceGrpc.EchoServiceBlockingStub importedStub;

	@Autowired
	private MeterRegistry meterRegistry;

	@Test
	void injectedChannelReachesTheApplicationsServices() {
		EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(this.channel);
		assertThat(stub.echo(EchoRequest.newBuilder().setText("hello").build()).getText()).isEqualTo("hello");
	}

	@Test
	void importedGrpcClientStubsReachTheSameServer() {
		assertThat(this.importedStub.echo(EchoRequest.newBuilder().setText("via client").build()).getText())
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
	void platformStreamTracersApplyInProcessToo() {
		EchoServiceGrpc.newBlockingStub(this.channel).echo(EchoRequest.newBuilder().setText("counted").build());
		assertThat(this.meterRegistry.find("grpc.server.call.duration")
			.tag("grpc.method", "platform.testing.v1.EchoService/Echo")
			.tag("grpc.status", "OK")
			.timer()).isNotNull();
	}

	@Test
	void noNetworkPortIsOpened() {
		assertThat(this.environment.getProperty("local.grpc.port")).isNull();
	}

	@TestConfiguration(proxyBeanMethods = false)
	@ImportGrpcClients(target = "inProcess", types = EchoServiceGrpc.EchoServiceBlockingStub.class)
	static class Clients {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
