package dev.grpcplatform.starter.limits;

import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.grpcplatform.starter.internal.GuardedServerCall;
import dev.grpcplatform.starter.internal.GuardedServerCallListener;
import io.grpc.BinaryLog;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

/**
 * Answers a request message that cannot be parsed as the method's request type with
 * {@code INVALID_ARGUMENT} "Malformed request: ...", on every method the server serves, for all four
 * call shapes.
 *
 * <p>grpc-java parses each request with the method's marshaller before any interceptor sees it, and
 * turns a parse failure into {@code UNKNOWN} "Application error processing RPC", which blames the
 * server for the caller's bytes. The only per-server hook that sees the method definitions as they
 * are served (after every registration path and every interceptor, on every transport) is
 * {@link ServerBuilder#setBinaryLog}: this guard uses it to wrap each method's request marshaller, so
 * that a failed parse reaches the outermost listener as a rejection, which closes the call with
 * {@code INVALID_ARGUMENT}. It logs nothing and sends no binary log. The call still ends through the
 * transport, so metrics and the access log count it under its method with that status.
 *
 * <p>An application that sets a binary log of its own on the server builder after the platform
 * replaces this guard; malformed requests then end with {@code UNKNOWN} again.
 */
public final class MalformedRequestGuard extends BinaryLog {

	private static final ThreadLocal<@Nullable Status> PARSE_FAILURE = new ThreadLocal<>();

	private final Map<MethodDescriptor<?, ?>, MethodDescriptor<?, ?>> guardedMethods = new ConcurrentHashMap<>();

	/**
	 * Installs the guard on the given server builder.
	 * @param builder server builder of any transport
	 */
	public void install(ServerBuilder<?> builder) {
		builder.setBinaryLog(this);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <ReqT, RespT> ServerMethodDefinition<?, ?> wrapMethodDefinition(ServerMethodDefinition<ReqT, RespT> definition) {
		MethodDescriptor<ReqT, RespT> method = (MethodDescriptor<ReqT, RespT>) this.guardedMethods
			.computeIfAbsent(definition.getMethodDescriptor(), MalformedRequestGuard::guarded);
		return ServerMethodDefinition.create(method, new GuardedHandler<>(definition.getServerCallHandler()));
	}

	private static <ReqT, RespT> MethodDescriptor<ReqT, RespT> guarded(MethodDescriptor<ReqT, RespT> method) {
		MethodDescriptor.Marshaller<ReqT> marshaller = method.getRequestMarshaller();
		// Keep the prototype visible: validation and other interceptors find the request type through it.
		MethodDescriptor.Marshaller<ReqT> tolerant = (marshaller instanceof MethodDescriptor.PrototypeMarshaller<ReqT> prototype)
				? new TolerantPrototypeMarshaller<>(prototype) : new TolerantMarshaller<>(marshaller);
		return method.toBuilder().setRequestMarshaller(tolerant).build();
	}

	@Override
	public Channel wrapChannel(Channel channel) {
		return channel;
	}

	@Override
	public void close() {
	}

	static String description(MethodDescriptor.Marshaller<?> marshaller, RuntimeException failure) {
		String type = "request";
		if (marshaller instanceof MethodDescriptor.PrototypeMarshaller<?> prototype
				&& prototype.getMessagePrototype() instanceof Message message) {
			type = message.getDescriptorForType().getFullName();
		}
		String detail = null;
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidProtocolBufferException) {
				detail = cause.getMessage();
			}
		}
		return "Malformed request: the message is not a valid " + type + ((detail != null) ? " (" + detail + ")" : "");
	}

	/**
	 * Parses as the method's own marshaller does, but hands a failure to the listener of the call
	 * (on the same thread, right after) instead of throwing it into grpc-java.
	 */
	private static class TolerantMarshaller<T> implements MethodDescriptor.Marshaller<T> {

		private final MethodDescriptor.Marshaller<T> delegate;

		TolerantMarshaller(MethodDescriptor.Marshaller<T> delegate) {
			this.delegate = delegate;
		}

		@Override
		public InputStream stream(T value) {
			return this.delegate.stream(value);
		}

		// null stands for "not parsed": the next to see it is RejectingListener, on this thread
		@Override
		public @Nullable T parse(InputStream stream) {
			try {
				return this.delegate.parse(stream);
			}
			catch (RuntimeException ex) {
				PARSE_FAILURE.set(Status.INVALID_ARGUMENT.withDescription(description(this.delegate, ex)));
				return null;
			}
		}

	}

	/**
	 * {@link TolerantMarshaller} of a marshaller that has a message prototype, which it shows too.
	 */
	private static final class TolerantPrototypeMarshaller<T> extends TolerantMarshaller<T>
			implements MethodDescriptor.PrototypeMarshaller<T> {

		private final MethodDescriptor.PrototypeMarshaller<T> prototype;

		TolerantPrototypeMarshaller(MethodDescriptor.PrototypeMarshaller<T> delegate) {
			super(delegate);
			this.prototype = delegate;
		}

		@Override
		public @Nullable T getMessagePrototype() {
			return this.prototype.getMessagePrototype();
		}

		@Override
		public Class<T> getMessageClass() {
			return this.prototype.getMessageClass();
		}

	}

		private static final class GuardedHandler<ReqT, RespT> implements ServerCallHandler<ReqT, RespT> {

		private final ServerCallHandler<ReqT, RespT> next;

		GuardedHandler(ServerCallHandler<ReqT, RespT> next) {
			this.next = next;
		}

		@Override
		public ServerCall.Listener<ReqT> startCall(ServerCall<ReqT, RespT> call, Metadata headers) {
			GuardedServerCall<ReqT, RespT> guarded = new GuardedServerCall<>(call);
			return new RejectingListener<>(this.next.startCall(guarded, headers), guarded);
		}

	}

	private static final class RejectingListener<ReqT> extends GuardedServerCallListener<ReqT> {

		RejectingListener(ServerCall.Listener<ReqT> delegate, GuardedServerCall<ReqT, ?> call) {
			super(delegate, call);
		}

		@Override
		public void onMessage(@Nullable ReqT message) {
			Status rejection = PARSE_FAILURE.get();
			if (message == null && rejection != null) {
				PARSE_FAILURE.remove();
				call().closeByPlatform(rejection, new Metadata());
				return;
			}
			super.onMessage(message);
		}

	}

}
