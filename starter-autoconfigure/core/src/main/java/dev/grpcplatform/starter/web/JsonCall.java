package dev.grpcplatform.starter.web;

import java.nio.charset.StandardCharsets;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.Metadata;
import io.grpc.Status;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP/JSON request served as a gRPC call. A unary call answers with the response message as
 * JSON, or a {@code google.rpc.Status} as JSON with the HTTP status of its code. A server-streaming
 * call answers {@code application/x-ndjson}: one line per message, {@code {"result": ...}}, and, when
 * the call fails after its first message, a last line {@code {"error": <google.rpc.Status>}}; a call
 * that fails before its first message answers as a unary one does.
 */
final class JsonCall extends HttpCall<Message, Message> {

	static final String NDJSON = "application/x-ndjson";

	private final HttpBinding binding;

	private final JsonTranscoding.JsonMessages json;

	private @Nullable Metadata headers;

	private @Nullable Message single;

	private boolean streamStarted;

	JsonCall(HttpServletResponse response, HttpBinding binding, JsonTranscoding.JsonMessages json) {
		super(response);
		this.binding = binding;
		this.json = json;
	}

	@Override
	public void onHeaders(Metadata headers) {
		this.headers = headers;
	}

	@Override
	public void onMessage(Message message) {
		if (!this.binding.streaming()) {
			this.single = message;
			requestNext();
			return;
		}
		if (!this.streamStarted) {
			this.streamStarted = true;
			this.response.setStatus(200);
			this.response.setContentType(NDJSON);
			this.response.setCharacterEncoding("UTF-8");
			if (this.headers != null) {
				HttpCalls.copyToResponse(this.headers, this.response);
			}
		}
		if (write(("{\"result\":" + body(message) + "}\n").getBytes(StandardCharsets.UTF_8))) {
			requestNext();
		}
	}

	@Override
	public void onClose(Status status, Metadata trailers) {
		if (isClientGone()) {
			return;
		}
		if (this.streamStarted) {
			if (!status.isOk()) {
				write(("{\"error\":" + this.json.status(status, trailers) + "}\n").getBytes(StandardCharsets.UTF_8));
			}
			complete();
			return;
		}
		if (this.headers != null) {
			HttpCalls.copyToResponse(this.headers, this.response);
		}
		HttpCalls.copyToResponse(trailers, this.response);
		this.response.setCharacterEncoding("UTF-8");
		if (status.isOk()) {
			this.response.setStatus(200);
			if (this.binding.streaming()) {
				// A stream without messages: an empty body.
				this.response.setContentType(NDJSON);
				complete();
				return;
			}
			this.response.setContentType("application/json");
			Message message = this.single;
			write(((message != null) ? body(message) : "{}").getBytes(StandardCharsets.UTF_8));
		}
		else {
			this.response.setStatus(HttpCalls.httpStatus(status.getCode()));
			this.response.setContentType("application/json");
			write(this.json.status(status, trailers).getBytes(StandardCharsets.UTF_8));
		}
		complete();
	}

	private String body(Message message) {
		FieldDescriptor field = this.binding.responseBody();
		if (field == null) {
			return this.json.print(message);
		}
		if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isRepeated()) {
			return this.json.print((Message) message.getField(field));
		}
		// A scalar, repeated or map field: its value as it appears in the whole message's JSON.
		Message only = message.toBuilder().clear().setField(field, message.getField(field)).build();
		String whole = this.json.print(only);
		String prefix = "{\"" + field.getJsonName() + "\":";
		if (whole.startsWith(prefix)) {
			return whole.substring(prefix.length(), whole.length() - 1);
		}
		return field.isMapField() ? "{}" : field.isRepeated() ? "[]" : "null";
	}

}
