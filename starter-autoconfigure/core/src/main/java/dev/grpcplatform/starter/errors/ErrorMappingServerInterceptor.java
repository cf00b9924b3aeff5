package dev.grpcplatform.starter.errors;

import java.util.function.Predicate;

import dev.grpcplatform.starter.internal.GuardedServerCall;
import dev.grpcplatform.starter.internal.GuardedServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * Server interceptor that ends a call whose handler failed with the status its exception maps to,
 * through a {@link GrpcExceptionTranslator}.
 *
 * <p>It catches what the handler throws while receiving a message, on half-close (where unary
 * handlers run), on ready, and while starting a streaming call; and it maps what the handler
 * passes to {@code onError}, which grpc-java turns into {@code UNKNOWN} with the exception as
 * cause. Without it, grpc-java answers a thrown exception with {@code UNKNOWN} and no details.
 * Exceptions thrown on cancel or complete are only logged: the call has ended already.
 *
 * <p>Exceptions the given predicate claims are left alone (rethrown, or passed on unchanged), so
 * that an outer interceptor can handle them.
 */
public class ErrorMappingServerInterceptor implements ServerInterceptor {

	private static final Log logger = LogFactory.getLog(ErrorMappingServerInterceptor.class);

	private final GrpcExceptionTranslator translator;

	private final Predicate<Throwable> handledElsewhere;

	/**
	 * Creates an interceptor that maps every exception.
	 * @param translator translator of exceptions to statuses
	 */
	public ErrorMappingServerInterceptor(GrpcExceptionTranslator translator) {
		this(translator, (exception) -> false);
	}

	/**
	 * Creates an interceptor that maps every exception except those the given predicate claims.
	 * @param translator translator of exceptions to statuses
	 * @param handledElsewhere whether an exception is handled by an outer interceptor
	 */
	public ErrorMappingServerInterceptor(GrpcExceptionTranslator translator, Predicate<Throwable> handledElsewhere) {
		Assert.notNull(translator, "translator must not be null");
		Assert.notNull(handledElsewhere, "handledElsewhere must not be null");
		this.translator = translator;
		this.handledElsewhere = handledElsewhere;
	}

	@Override
	public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
			ServerCallHandler<ReqT, RespT> next) {
		ErrorMappingServerCall<ReqT, RespT> errorMappingCall = new ErrorMappingServerCall<>(call);
		ServerCall.Listener<ReqT> listener;
		try {
			// Streaming handlers run here and may throw before they return their request observer.
			listener = next.startCall(errorMappingCall, headers);
		}
		catch (Throwable ex) {
			if (this.handledElsewhere.test(ex)) {
				throw ex;
			}
			errorMappingCall.fail(ex);
			return new ServerCall.Listener<>() {
			};
		}
		return new ErrorMappingListener<>(listener, errorMappingCall);
	}

	private final class ErrorMappingServerCall<ReqT, RespT> extends GuardedServerCall<ReqT, RespT> {

		ErrorMappingServerCall(ServerCall<ReqT, RespT> delegate) {
			super(delegate);
		}

		void fail(Throwable exception) {
			Metadata trailers = new Metadata();
			Status status = ErrorMappingServerInterceptor.this.translator.translate(exception, fullMethodName(),
					trailers);
			closeByPlatform(status, trailers);
		}

		@Override
		public void close(Status status, Metadata trailers) {
			Throwable cause = status.getCause();
			// What ServerCalls makes of onError(exception) for anything but a status exception: a
			// status the handler did not choose.
			if (status.getCode() == Status.Code.UNKNOWN && cause != null && status.getDescription() == null
					&& !ErrorMappingServerInterceptor.this.handledElsewhere.test(cause)) {
				status = ErrorMappingServerInterceptor.this.translator.translate(cause, fullMethodName(), trailers);
			}
			super.close(status, trailers);
		}

		String fullMethodName() {
			return getMethodDescriptor().getFullMethodName();
		}

	}

	private final class ErrorMappingListener<ReqT> extends GuardedServerCallListener<ReqT> {

		private final ErrorMappingServerCall<ReqT, ?> call;

		ErrorMappingListener(ServerCall.Listener<ReqT> delegate, ErrorMappingServerCall<ReqT, ?> call) {
			super(delegate, call);
			this.call = call;
		}

		@Override
		public void onMessage(ReqT message) {
			try {
				super.onMessage(message);
			}
			catch (Throwable ex) {
				if (ErrorMappingServerInterceptor.this.handledElsewhere.test(ex)) {
					throw ex;
				}
				this.call.fail(ex);
			}
		}

		@Override
		public void onHalfClose() {
			try {
				super.onHalfClose();
			}
			catch (Throwable ex) {
				if (ErrorMappingServerInterceptor.this.handledElsewhere.test(ex)) {
					throw ex;
				}
				this.call.fail(ex);
			}
		}

		@Override
		public void onReady() {
			try {
				super.onReady();
			}
			catch (Throwable ex) {
				// Outer exception handlers (net.devh's @GrpcAdvice) never see onReady: map it here.
				this.call.fail(ex);
			}
		}

		@Override
		public void onCancel() {
			try {
				super.onCancel();
			}
			catch (RuntimeException ex) {
				logger.warn("gRPC handler of " + this.call.fullMethodName() + " failed after the call ended", ex);
			}
		}

		@Override
		public void onComplete() {
			try {
				super.onComplete();
			}
			catch (RuntimeException ex) {
				logger.warn("gRPC handler of " + this.call.fullMethodName() + " failed after the call ended", ex);
			}
		}

	}

}
