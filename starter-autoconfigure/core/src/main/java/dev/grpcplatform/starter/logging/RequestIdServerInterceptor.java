package dev.grpcplatform.starter.logging;

import dev.grpcplatform.starter.server.GrpcCallAttributes;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import org.springframework.util.Assert;

/**
 * Server interceptor that returns the call's request id to the caller: in the response headers, or
 * in the trailers of a call that ends without sending headers (which gRPC sends as the only header
 * block).
 *
 * <p>The request id is the one {@link GrpcAccessLog} put into the call's
 * {@link GrpcCallAttributes}.
 */
public class RequestIdServerInterceptor implements ServerInterceptor {

	private final Metadata.Key<String> header;

	/**
	 * Creates an interceptor that returns the request id under the given header.
	 * @param header metadata key of the request id
	 */
	public RequestIdServerInterceptor(String header) {
		Assert.hasText(header, "header must not be empty");
		this.header = GrpcAccessLog.requestIdKey(header);
	}

	@Override
	public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
			ServerCallHandler<ReqT, RespT> next) {
		GrpcCallAttributes attributes = GrpcCallAttributes.current();
		String requestId = (attributes != null) ? attributes.getRequestId() : null;
		if (requestId == null) {
			return next.startCall(call, headers);
		}
		return next.startCall(new RequestIdServerCall<>(call, this.header, requestId), headers);
	}

	private static final class RequestIdServerCall<ReqT, RespT>
			extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {

		private final Metadata.Key<String> header;

		private final String requestId;

		// Sends and close are serialized by the ServerCall contract.
		private boolean headersSent;

		RequestIdServerCall(ServerCall<ReqT, RespT> delegate, Metadata.Key<String> header, String requestId) {
			super(delegate);
			this.header = header;
			this.requestId = requestId;
		}

		@Override
		public void sendHeaders(Metadata headers) {
			headers.removeAll(this.header);
			headers.put(this.header, this.requestId);
			this.headersSent = true;
			super.sendHeaders(headers);
		}

		@Override
		public void close(Status status, Metadata trailers) {
			if (!this.headersSent) {
				trailers.removeAll(this.header);
				trailers.put(this.header, this.requestId);
			}
			super.close(status, trailers);
		}

	}

}
