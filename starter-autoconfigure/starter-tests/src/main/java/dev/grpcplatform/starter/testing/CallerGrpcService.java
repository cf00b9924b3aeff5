package dev.grpcplatform.starter.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.grpcplatform.starter.security.GrpcSecurity;
import dev.grpcplatform.starter.security.RequireScopes;
import dev.grpcplatform.starter.testing.v1.EchoRequest;
import dev.grpcplatform.starter.testing.v1.EchoResponse;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import io.grpc.stub.StreamObserver;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;


/**
 * Test implementation of {@code platform.testing.v1.EchoService} that answers with the caller its
 * handler code sees, as {@code <SecurityContextHolder name>|<GrpcSecurity name>} ({@code -} for
 * none), on every callback: each response of Chat, each message of Collect (joined with commas, the
 * completion last) and each response of EchoStream, which requires the scope {@code echo:stream}.
 * Echo with {@code fail_with=access-denied} throws Spring Security's {@code AccessDeniedException}.
 */
public class CallerGrpcService extends EchoServiceGrpc.EchoServiceImplBase {

	/**
	 * Methods whose handler was started, in order.
	 */
	public final List<String> started = new CopyOnWriteArrayList<>();

	/**
	 * Caller as the handler code sees it on the current thread.
	 * @return {@code <SecurityContextHolder name>|<GrpcSecurity name>}
	 */
	public static String caller() {
		Authentication held = SecurityContextHolder.getContext().getAuthentication();
		Authentication current = GrpcSecurity.currentAuthentication();
		return ((held != null) ? held.getName() : "-") + "|" + ((current != null) ? current.getName() : "-");
	}

	@Override
	public void echo(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
		this.started.add("Echo");
		if (request.getFailWith().equals("access-denied")) {
			throw new AccessDeniedException("secret internal detail: not in group echo-admins");
		}
		responseObserver.onNext(EchoResponse.newBuilder().setText(caller()).build());
		responseObserver.onCompleted();
	}

	@Override
	@RequireScopes("echo:stream")
	public void echoStream(EchoRequest request, StreamObserver<EchoResponse> responseObserver) {
		this.started.add("EchoStream");
		for (int i = 0; i < request.getRepeat(); i++) {
			responseObserver.onNext(EchoResponse.newBuilder().setText(caller()).setIndex(i).build());
		}
		responseObserver.onCompleted();
	}

	@Override
	public StreamObserver<EchoRequest> collect(StreamObserver<EchoResponse> responseObserver) {
		this.started.add("Collect");
		List<String> callers = new ArrayList<>();
		callers.add(caller());
		return new StreamObserver<>() {

			@Override
			public void onNext(EchoRequest request) {
				callers.add(caller());
			}

			@Override
			public void onError(Throwable t) {
			}

			@Override
			public void onCompleted() {
				callers.add(caller());
				responseObserver.onNext(EchoResponse.newBuilder().setText(String.join(",", callers)).build());
				responseObserver.onCompleted();
			}

		};
	}

	@Override
	public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> responseObserver) {
		this.started.add("Chat");
		return new StreamObserver<>() {

			private int index;

			@Override
			public void onNext(EchoRequest request) {
				responseObserver.onNext(EchoResponse.newBuilder().setText(caller()).setIndex(this.index++).build());
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
