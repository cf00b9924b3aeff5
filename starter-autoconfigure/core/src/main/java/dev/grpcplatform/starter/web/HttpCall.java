package dev.grpcplatform.starter.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request served as one gRPC call on the bridge's in-process channel: the servlet request
 * turns asynchronous, responses are written as the call produces them (on the call's thread, so a
 * slow client holds back a streaming handler as flow control does on HTTP/2), and a client that goes
 * away cancels the call.
 *
 * @param <ReqT> request message type
 * @param <RespT> response message type
 */
abstract class HttpCall<ReqT, RespT> extends ClientCall.Listener<RespT> {

	final HttpServletResponse response;

	private @Nullable AsyncContext async;

	private @Nullable ClientCall<ReqT, RespT> call;

	private volatile boolean clientGone;

	HttpCall(HttpServletResponse response) {
		this.response = response;
	}

	/**
	 * Reads the whole request body, refusing more than the given number of bytes.
	 * @param request the HTTP request
	 * @param limit most bytes accepted
	 * @return the body
	 * @throws IOException when the client fails to send it
	 */
	static byte[] readBody(HttpServletRequest request, long limit) throws IOException {
		long declared = request.getContentLengthLong();
		if (declared > limit) {
			throw tooLarge(limit);
		}
		ByteArrayOutputStream body = new ByteArrayOutputStream((declared > 0) ? (int) declared : 256);
		byte[] buffer = new byte[8192];
		try (InputStream in = request.getInputStream()) {
			int read;
			while ((read = in.read(buffer)) != -1) {
				if (body.size() + read > limit) {
					throw tooLarge(limit);
				}
				body.write(buffer, 0, read);
			}
		}
		return body.toByteArray();
	}

	private static HttpCalls.HttpCallException tooLarge(long limit) {
		return new HttpCalls.HttpCallException(Status.RESOURCE_EXHAUSTED
			.withDescription("Request message is larger than the limit of " + limit + " bytes"), 413);
	}

	/**
	 * Starts the call: the request turns asynchronous, the messages are sent and the call half-closed.
	 * @param request the HTTP request
	 * @param channel the bridge's channel
	 * @param method the method to call
	 * @param headers call metadata
	 * @param timeoutNanos the call's timeout, if any
	 * @param messages request messages
	 */
	final void start(HttpServletRequest request, Channel channel, MethodDescriptor<ReqT, RespT> method,
			Metadata headers, @Nullable Long timeoutNanos, Iterable<ReqT> messages) {
		CallOptions options = CallOptions.DEFAULT;
		if (timeoutNanos != null) {
			options = options.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS);
		}
		AsyncContext async = request.startAsync();
		// The call's deadline, not the container's async timeout, bounds how long a call may run.
		async.setTimeout(0);
		async.addListener(new ClientGoneListener());
		this.async = async;
		ClientCall<ReqT, RespT> call = channel.newCall(method, options);
		this.call = call;
		call.start(this, headers);
		call.request(1);
		for (ReqT message : messages) {
			call.sendMessage(message);
		}
		call.halfClose();
	}

	/**
	 * Writes and flushes bytes of the response; a client that is gone cancels the call.
	 * @param bytes what to write
	 * @return whether the bytes were written
	 */
	final boolean write(byte[] bytes) {
		if (this.clientGone) {
			return false;
		}
		try {
			ServletOutputStream out = this.response.getOutputStream();
			out.write(bytes);
			out.flush();
			return true;
		}
		catch (IOException | IllegalStateException ex) {
			clientGone(ex);
			return false;
		}
	}

	/**
	 * Asks the call for the next response message, once the previous one is written.
	 */
	final void requestNext() {
		ClientCall<ReqT, RespT> call = this.call;
		if (call != null && !this.clientGone) {
			call.request(1);
		}
	}

	/**
	 * Ends the HTTP response.
	 */
	final void complete() {
		AsyncContext async = this.async;
		if (async != null && !this.clientGone) {
			try {
				async.complete();
			}
			catch (IllegalStateException ex) {
				// The container already ended the request (client gone).
			}
		}
	}

	final boolean isClientGone() {
		return this.clientGone;
	}

	private void clientGone(@Nullable Throwable cause) {
		if (this.clientGone) {
			return;
		}
		this.clientGone = true;
		ClientCall<ReqT, RespT> call = this.call;
		if (call != null) {
			call.cancel("HTTP client went away", cause);
		}
		AsyncContext async = this.async;
		if (async != null) {
			try {
				async.complete();
			}
			catch (IllegalStateException ex) {
				// Already ended.
			}
		}
	}

	private final class ClientGoneListener implements AsyncListener {

		@Override
		public void onComplete(AsyncEvent event) {
		}

		@Override
		public void onTimeout(AsyncEvent event) {
			clientGone(event.getThrowable());
		}

		@Override
		public void onError(AsyncEvent event) {
			clientGone(event.getThrowable());
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
		}

	}

}
