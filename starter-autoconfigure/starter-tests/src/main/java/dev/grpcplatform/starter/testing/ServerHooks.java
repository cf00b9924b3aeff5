package dev.grpcplatform.starter.testing;

import java.util.List;

import dev.grpcplatform.starter.server.GrpcServerBuilderCustomizer;
import io.grpc.Metadata;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

import org.springframework.core.Ordered;

/**
 * Server interceptors and builder customizers that record what the server did with them, for the
 * edges' tests of how they register an application's own hooks.
 */
public final class ServerHooks {

	private ServerHooks() {
	}

	/**
	 * Returns an interceptor that adds its name to the given list on every call it sees; its
	 * {@code toString()} is its name.
	 * @param name the name
	 * @param calls where the name is added
	 * @return the interceptor
	 */
	public static ServerInterceptor recordingInterceptor(String name, List<String> calls) {
		return new ServerInterceptor() {

			@Override
			public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
					ServerCallHandler<ReqT, RespT> next) {
				calls.add(name);
				return next.startCall(call, headers);
			}

			@Override
			public String toString() {
				return name;
			}

		};
	}

	/**
	 * Returns a customizer of the given order that adds {@code <name>:<builder class>} to the given
	 * list whenever it customizes a builder.
	 * @param name the name
	 * @param order the order
	 * @param customized where the entries are added
	 * @return the customizer
	 */
	public static GrpcServerBuilderCustomizer recordingCustomizer(String name, int order, List<String> customized) {
		return new RecordingCustomizer(name, order, customized);
	}

	private record RecordingCustomizer(String name, int order, List<String> customized)
			implements GrpcServerBuilderCustomizer, Ordered {

		@Override
		public void customize(ServerBuilder<?> builder) {
			this.customized.add(this.name + ":" + builder.getClass().getName());
		}

		@Override
		public int getOrder() {
			return this.order;
		}

	}

}
