package dev.grpcplatform.bench.hello.boot4;

import dev.grpcplatform.bench.hello.v1.GreeterGrpc;
import dev.grpcplatform.bench.hello.v1.HelloReply;
import dev.grpcplatform.bench.hello.v1.HelloRequest;
import io.grpc.stub.StreamObserver;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Service;

/**
 * A minimal gRPC app as a user writes it with Spring Boot 4.1's own gRPC server and Actuator: one
 * unary hello service and Spring Boot's defaults, the start-up benchmark's peer.
 */
@SpringBootApplication
public class HelloBoot4Application {

	public static void main(String[] args) {
		SpringApplication.run(HelloBoot4Application.class, args);
	}

	@Service
	static class GreeterService extends GreeterGrpc.GreeterImplBase {

		@Override
		public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
			responses.onNext(HelloReply.newBuilder().setMessage("Hello " + request.getName()).build());
			responses.onCompleted();
		}

	}

}
