package dev.grpcplatform.starter.web;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

/**
 * One gRPC-Web request ({@code application/grpc-web}, {@code application/grpc-web+proto} or the
 * base64 {@code application/grpc-web-text}) served as a gRPC call: messages in length-prefixed
 * frames, the status and trailers in a final trailer frame (flag {@code 0x80}) of the body.
 */
final class GrpcWebCall extends HttpCall<byte[], byte[]> {

	static final String CONTENT_TYPE_PREFIX = "application/grpc-web";

	private static final int FRAME_HEADER = 5;

	private static final byte TRAILER_FLAG = (byte) 0x80;

	private static final byte COMPRESSED_FLAG = 0x01;

	private static final MethodDescriptor.Marshaller<byte[]> BYTES = new BytesMarshaller();

	private final boolean text;

	private final String contentType;

	private boolean headersSent;

	private GrpcWebCall(HttpServletResponse response, boolean text) {
		super(response);
		this.text = text;
		this.contentType = text ? "application/grpc-web-text+proto" : "application/grpc-web+proto";
	}

	/**
	 * Whether a request claims to be gRPC-Web by its content type.
	 * @param contentType the request's content type
	 * @return whether it starts with {@value #CONTENT_TYPE_PREFIX}
	 */
	static boolean isGrpcWeb(@Nullable String contentType) {
		return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(CONTENT_TYPE_PREFIX);
	}

	/**
	 * Serves a gRPC-Web request.
	 * @param request the HTTP request
	 * @param response the HTTP response
	 * @param bridge the running bridge
	 * @param fullMethodName the method named by the path
	 * @param limits the message and metadata limits
	 * @throws IOException when reading the request fails
	 */
	static void serve(HttpServletRequest request, HttpServletResponse response, GrpcHttpBridge.State bridge,
			String fullMethodName, HttpLimits limits) throws IOException {
		if (!"POST".equals(request.getMethod())) {
			response.setHeader("Allow", "POST");
			response.sendError(405, "gRPC-Web calls use POST");
			return;
		}
		String contentType = request.getContentType().toLowerCase(Locale.ROOT);
		int parameters = contentType.indexOf(';');
		String mediaType = ((parameters >= 0) ? contentType.substring(0, parameters) : contentType).trim();
		boolean text;
		switch (mediaType) {
			case "application/grpc-web", "application/grpc-web+proto" -> text = false;
			case "application/grpc-web-text", "application/grpc-web-text+proto" -> text = true;
			default -> {
				response.sendError(415, "Unsupported gRPC-Web content type '" + mediaType + "': use "
						+ "application/grpc-web, application/grpc-web+proto or application/grpc-web-text");
				return;
			}
		}
		GrpcWebCall call = new GrpcWebCall(response, text);
		ServerMethodDefinition<?, ?> definition = bridge.methods().get(fullMethodName);
		MethodType type = (definition != null) ? definition.getMethodDescriptor().getType() : MethodType.UNARY;
		if (type == MethodType.CLIENT_STREAMING || type == MethodType.BIDI_STREAMING) {
			call.refuse(Status.UNIMPLEMENTED.withDescription("Method " + fullMethodName + " is "
					+ ((type == MethodType.CLIENT_STREAMING) ? "client-streaming" : "bidirectional streaming")
					+ ": gRPC-Web serves unary and server-streaming methods only"));
			return;
		}
		List<byte[]> messages;
		Metadata headers;
		Long timeout;
		try {
			long bodyLimit = limits.maxMessageSize() + FRAME_HEADER + 64;
			byte[] body = readBody(request, text ? (bodyLimit * 4 / 3 + 4) : bodyLimit);
			messages = frames(text ? decodeText(body) : body, limits.maxMessageSize());
			headers = HttpCalls.metadata(request, limits.maxMetadataSize());
			timeout = HttpCalls.timeoutNanos(request);
		}
		catch (HttpCalls.HttpCallException ex) {
			call.refuse(ex.status());
			return;
		}
		// Names of methods the server does not serve come from callers: only served ones are kept.
		MethodDescriptor<byte[], byte[]> method = (definition != null)
				? bridge.webMethods().computeIfAbsent(fullMethodName, (name) -> method(name, type))
				: method(fullMethodName, MethodType.UNKNOWN);
		call.start(request, bridge.channel(), method, headers, timeout, messages);
	}

	private static MethodDescriptor<byte[], byte[]> method(String fullMethodName, MethodType type) {
		return MethodDescriptor.newBuilder(BYTES, BYTES).setFullMethodName(fullMethodName).setType(type).build();
	}

	/**
	 * Decodes a {@code grpc-web-text} body: base64, possibly several padded chunks one after another.
	 */
	static byte[] decodeText(byte[] body) {
		ByteArrayOutputStream decoded = new ByteArrayOutputStream(body.length * 3 / 4);
		StringBuilder chunk = new StringBuilder();
		try {
			for (byte b : body) {
				char c = (char) (b & 0xFF);
				if (Character.isWhitespace(c)) {
					continue;
				}
				chunk.append(c);
				if (chunk.length() == 4) {
					decoded.write(Base64.getDecoder().decode(chunk.toString()));
					chunk.setLength(0);
				}
			}
			if (chunk.length() > 0) {
				decoded.write(Base64.getDecoder().decode(chunk.toString()));
			}
		}
		catch (IllegalArgumentException | IOException ex) {
			throw new HttpCalls.HttpCallException(
					Status.INVALID_ARGUMENT.withDescription("Malformed grpc-web-text body: not base64"), 400);
		}
		return decoded.toByteArray();
	}

	/**
	 * Splits a body into the messages of its data frames.
	 */
	static List<byte[]> frames(byte[] body, long maxMessageSize) {
		List<byte[]> messages = new ArrayList<>(1);
		ByteBuffer buffer = ByteBuffer.wrap(body);
		while (buffer.hasRemaining()) {
			if (buffer.remaining() < FRAME_HEADER) {
				throw malformed("Truncated gRPC-Web frame: " + buffer.remaining() + " bytes where a "
						+ FRAME_HEADER + "-byte frame header was expected");
			}
			byte flags = buffer.get();
			long length = Integer.toUnsignedLong(buffer.getInt());
			if ((flags & TRAILER_FLAG) != 0) {
				throw malformed("Unexpected trailer frame in a gRPC-Web request");
			}
			if ((flags & COMPRESSED_FLAG) != 0) {
				throw new HttpCalls.HttpCallException(Status.UNIMPLEMENTED
					.withDescription("Compressed gRPC-Web messages are not supported: send them uncompressed"), 501);
			}
			if (length > maxMessageSize) {
				throw new HttpCalls.HttpCallException(Status.RESOURCE_EXHAUSTED.withDescription(
						"Request message of " + length + " bytes is larger than the limit of " + maxMessageSize
								+ " bytes"), 413);
			}
			if (buffer.remaining() < length) {
				throw malformed("Truncated gRPC-Web frame: the header announces " + length + " bytes, "
						+ buffer.remaining() + " follow");
			}
			byte[] message = new byte[(int) length];
			buffer.get(message);
			messages.add(message);
		}
		return messages;
	}

	private static HttpCalls.HttpCallException malformed(String message) {
		return new HttpCalls.HttpCallException(Status.INVALID_ARGUMENT.withDescription(message), 400);
	}

	/**
	 * Answers without a call: the status in the response headers and in a trailer frame.
	 */
	private void refuse(Status status) {
		sendHeaders(null);
		this.response.setHeader("grpc-status", Integer.toString(status.getCode().value()));
		if (status.getDescription() != null) {
			this.response.setHeader("grpc-message", HttpCalls.encodeMessage(status.getDescription()));
		}
		write(trailerFrame(status, new Metadata()));
	}

	private void sendHeaders(@Nullable Metadata headers) {
		this.headersSent = true;
		this.response.setStatus(200);
		this.response.setContentType(this.contentType);
		if (headers != null) {
			HttpCalls.copyToResponse(headers, this.response);
		}
	}

	@Override
	public void onHeaders(Metadata headers) {
		sendHeaders(headers);
	}

	@Override
	public void onMessage(byte[] message) {
		if (!this.headersSent) {
			sendHeaders(null);
		}
		byte[] frame = new byte[FRAME_HEADER + message.length];
		ByteBuffer.wrap(frame).put((byte) 0).putInt(message.length).put(message);
		if (write(encode(frame))) {
			requestNext();
		}
	}

	@Override
	public void onClose(Status status, Metadata trailers) {
		if (isClientGone()) {
			return;
		}
		if (!this.headersSent) {
			// Trailers-only: the status also in the headers, where gRPC-Web clients look first.
			sendHeaders(trailers);
			this.response.setHeader("grpc-status", Integer.toString(status.getCode().value()));
			if (status.getDescription() != null) {
				this.response.setHeader("grpc-message", HttpCalls.encodeMessage(status.getDescription()));
			}
		}
		write(trailerFrame(status, trailers));
		complete();
	}

	private byte[] trailerFrame(Status status, Metadata trailers) {
		StringBuilder block = new StringBuilder();
		block.append("grpc-status:").append(status.getCode().value()).append("\r\n");
		if (status.getDescription() != null) {
			block.append("grpc-message:").append(HttpCalls.encodeMessage(status.getDescription())).append("\r\n");
		}
		for (String key : trailers.keys()) {
			if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
				Iterable<byte[]> values = trailers.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER));
				if (values != null) {
					for (byte[] value : values) {
						block.append(key).append(':').append(Base64.getEncoder().encodeToString(value)).append("\r\n");
					}
				}
			}
			else {
				Iterable<String> values = trailers.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
				if (values != null) {
					for (String value : values) {
						block.append(key).append(':').append(value).append("\r\n");
					}
				}
			}
		}
		byte[] payload = block.toString().getBytes(StandardCharsets.US_ASCII);
		byte[] frame = new byte[FRAME_HEADER + payload.length];
		ByteBuffer.wrap(frame).put(TRAILER_FLAG).putInt(payload.length).put(payload);
		return encode(frame);
	}

	private byte[] encode(byte[] frame) {
		return this.text ? Base64.getEncoder().encode(frame) : frame;
	}

	private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {

		@Override
		public InputStream stream(byte[] value) {
			return new ByteArrayInputStream(value);
		}

		@Override
		public byte[] parse(InputStream stream) {
			try {
				return stream.readAllBytes();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
