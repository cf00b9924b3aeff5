package dev.grpcplatform.bench.hello.netdevh;

import dev.grpcplatform.bench.hello.v1.GreeterGrpc;
import dev.grpcplatform.bench.hello.v1.HelloReply;
import dev.grpcplatform.bench.hello.v1.HelloRequest;
import io.grpc.stub.StreamObserver;
import net.devh.boot.grpc.server.service.GrpcService;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A minimal gRPC app as a user writes it with net.devh 3.1 on Spring Boot 3.5 and Actuator: one
 * unary hello service and net.devh's defaults, the start-up benchmark's peer.
 */
@SpringBootApplication
public class HelloNetDevhApplication {

	public static void main(String[] args) {
		SpringApplication.run(HelloNetDevhApplication.class, args);
	}

	@GrpcService
	static class GreeterService extends GreeterGrpc.GreeterImplBase {

		@Override
		public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
			responses.onNext(HelloReply.newBuilder().setMessage("Hello " + request.getName()).build());
			responses.onCompleted();
		}

	}

}
