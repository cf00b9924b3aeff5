package dev.grpcplatform.starter.validation;

import java.util.UUID;

import build.buf.protovalidate.ValidationResult;
import build.buf.protovalidate.Validator;
import build.buf.protovalidate.exceptions.ValidationException;
import com.google.protobuf.Message;
import dev.grpcplatform.starter.errors.GrpcError;
import dev.grpcplatform.starter.internal.GuardedServerCall;
import dev.grpcplatform.starter.internal.GuardedServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * Server interceptor that validates every protobuf request message against its protovalidate
 * rules before the handler sees it.
 *
 * <p>An invalid message ends the call with {@code INVALID_ARGUMENT}, a description that lists the
 * problems, and {@code google.rpc} details: an {@code ErrorInfo} and a {@code BadRequest} with one
 * field violation per field. The handler never receives that message; a streaming handler that was
 * already running is told through a cancellation. Requests that are not protobuf messages, or of
 * types that cannot carry rules (no file they use imports {@code buf/validate/validate.proto}: gRPC
 * health and reflection, for one), pass unchecked.
 */
public class RequestValidationServerInterceptor implements ServerInterceptor {

	private static final Log logger = LogFactory.getLog(RequestValidationServerInterceptor.class);

	private final Validator validator;

	private final String domain;

	private final ValidatedTypes validatedTypes = new ValidatedTypes();

	/**
	 * Creates an interceptor.
	 * @param validator validator of messages
	 * @param domain domain of the {@code ErrorInfo} of every error
	 */
	public RequestValidationServerInterceptor(Validator validator, String domain) {
		Assert.notNull(validator, "validator must not be null");
		Assert.hasText(domain, "domain must not be empty");
		this.validator = validator;
		this.domain = domain;
	}

	@Override
	public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
			ServerCallHandler<ReqT, RespT> next) {
		if (this.validatedTypes.requestToValidate(call.getMethodDescriptor()) == null) {
			return next.startCall(call, headers);
		}
		GuardedServerCall<ReqT, RespT> guardedCall = new GuardedServerCall<>(call);
		return new ValidatingListener<>(next.startCall(guardedCall, headers), guardedCall);
	}

	/**
	 * Validates the given message.
	 * @param message request message
	 * @param fullMethodName full name of the method, for the log
	 * @return the error to end the call with, or {@code null} if the message is valid
	 */
	GrpcError validate(Message message, String fullMethodName) {
		ValidationResult result;
		try {
			result = this.validator.validate(message);
		}
		catch (ValidationException | RuntimeException ex) {
			// A broken rule (CEL that does not compile or fails at runtime) is the server's fault.
			String errorId = UUID.randomUUID().toString();
			logger.error("Validation of a " + message.getDescriptorForType().getFullName() + " request to "
					+ fullMethodName + " failed (error id: " + errorId + ")", ex);
			return GrpcError.builder(Status.Code.INTERNAL, "Internal error (error id: " + errorId + ")")
				.metadata("errorId", errorId)
				.build();
		}
		if (result.isSuccess()) {
			return null;
		}
		GrpcError error = RequestViolations.toError(result.getViolations());
		if (logger.isDebugEnabled()) {
			logger.debug("gRPC call " + fullMethodName + " rejected: " + error.message());
		}
		return error;
	}

	private final class ValidatingListener<ReqT> extends GuardedServerCallListener<ReqT> {

		ValidatingListener(ServerCall.Listener<ReqT> delegate, GuardedServerCall<ReqT, ?> call) {
			super(delegate, call);
		}

		@Override
		public void onMessage(ReqT message) {
			GuardedServerCall<ReqT, ?> call = call();
			if (message instanceof Message protobufMessage && !call.isClosedByPlatform()) {
				GrpcError error = validate(protobufMessage, call.getMethodDescriptor().getFullMethodName());
				if (error != null) {
					call.closeByPlatform(error.toStatus(),
							error.toTrailers(RequestValidationServerInterceptor.this.domain));
					return;
				}
			}
			super.onMessage(message);
		}

	}

}
