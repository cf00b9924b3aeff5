package dev.grpcplatform.starter.web;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.DescriptorProtos.MethodOptions;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.ExtensionRegistry;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.MethodDescriptor.PrototypeMarshaller;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/JSON transcoding: the {@code google.api.http} rules of every served method, read from the
 * services' descriptors, matched against requests; a match becomes a gRPC call whose request is
 * built from the path variables, the JSON body and the query parameters.
 */
final class JsonTranscoding {

	private static final Logger logger = LoggerFactory.getLogger(JsonTranscoding.class);

	private static final ExtensionRegistry HTTP_EXTENSION = httpExtension();

	private final List<HttpBinding> bindings;

	private final JsonMessages json;

	private JsonTranscoding(List<HttpBinding> bindings, JsonMessages json) {
		this.bindings = bindings;
		this.json = json;
	}

	private static ExtensionRegistry httpExtension() {
		ExtensionRegistry registry = ExtensionRegistry.newInstance();
		registry.add(AnnotationsProto.http);
		return registry;
	}

	/**
	 * Reads the rules of every method the bridge serves.
	 * @param services the served services
	 * @return the transcoding
	 */
	static JsonTranscoding of(List<ServerServiceDefinition> services) {
		List<HttpBinding> bindings = new ArrayList<>();
		List<Descriptor> types = new ArrayList<>();
		for (ServerServiceDefinition service : services) {
			if (!(service.getServiceDescriptor().getSchemaDescriptor() instanceof ProtoServiceDescriptorSupplier supplier)) {
				continue;
			}
			ServiceDescriptor descriptor = supplier.getServiceDescriptor();
			types.addAll(descriptor.getFile().getMessageTypes());
			for (MethodDescriptor method : descriptor.getMethods()) {
				HttpRule rule = rule(method.getOptions());
				ServerMethodDefinition<?, ?> definition = service
					.getMethod(descriptor.getFullName() + "/" + method.getName());
				if (rule == null || definition == null) {
					continue;
				}
				try {
					add(bindings, rule, method, definition);
					for (HttpRule additional : rule.getAdditionalBindingsList()) {
						add(bindings, additional, method, definition);
					}
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalStateException("Invalid google.api.http option on " + descriptor.getFullName() + "/"
							+ method.getName() + ": " + ex.getMessage(), ex);
				}
			}
		}
		// More literal segments first, so that /v1/users:search wins over /v1/users/{id}.
		bindings.sort(Comparator.comparingInt((HttpBinding binding) -> binding.template().literals()).reversed());
		logger.debug("JSON transcoding serves {} HTTP bindings", bindings.size());
		return new JsonTranscoding(List.copyOf(bindings), new JsonMessages(types));
	}

	private static @Nullable HttpRule rule(MethodOptions options) {
		if (options.hasExtension(AnnotationsProto.http)) {
			return options.getExtension(AnnotationsProto.http);
		}
		if (options.getUnknownFields().hasField(AnnotationsProto.HTTP_FIELD_NUMBER)) {
			try {
				MethodOptions parsed = MethodOptions.parseFrom(options.toByteString(), HTTP_EXTENSION);
				return parsed.hasExtension(AnnotationsProto.http) ? parsed.getExtension(AnnotationsProto.http) : null;
			}
			catch (InvalidProtocolBufferException ex) {
				return null;
			}
		}
		return null;
	}

	@SuppressWarnings("unchecked")
	private static void add(List<HttpBinding> bindings, HttpRule rule, MethodDescriptor method,
			ServerMethodDefinition<?, ?> definition) {
		String verb;
		String path;
		switch (rule.getPatternCase()) {
			case GET -> {
				verb = "GET";
				path = rule.getGet();
			}
			case PUT -> {
				verb = "PUT";
				path = rule.getPut();
			}
			case POST -> {
				verb = "POST";
				path = rule.getPost();
			}
			case DELETE -> {
				verb = "DELETE";
				path = rule.getDelete();
			}
			case PATCH -> {
				verb = "PATCH";
				path = rule.getPatch();
			}
			case CUSTOM -> {
				verb = rule.getCustom().getKind().toUpperCase(Locale.ROOT);
				path = rule.getCustom().getPath();
			}
			default -> {
				return;
			}
		}
		Descriptor input = method.getInputType();
		FieldDescriptor body = null;
		boolean wholeBody = rule.getBody().equals("*");
		if (!rule.getBody().isEmpty() && !wholeBody) {
			body = input.findFieldByName(rule.getBody());
			if (body == null) {
				throw new IllegalArgumentException("body field '" + rule.getBody() + "' is not a field of "
						+ input.getFullName());
			}
		}
		FieldDescriptor responseBody = null;
		if (!rule.getResponseBody().isEmpty()) {
			responseBody = method.getOutputType().findFieldByName(rule.getResponseBody());
			if (responseBody == null) {
				throw new IllegalArgumentException("response_body field '" + rule.getResponseBody()
						+ "' is not a field of " + method.getOutputType().getFullName());
			}
		}
		PathTemplate template = PathTemplate.parse(path);
		for (String fieldPath : template.fieldPaths()) {
			field(input, fieldPath);
		}
		io.grpc.MethodDescriptor<?, ?> grpcMethod = definition.getMethodDescriptor();
		if (!(grpcMethod.getRequestMarshaller() instanceof PrototypeMarshaller<?> requestMarshaller)
				|| !(requestMarshaller.getMessagePrototype() instanceof Message prototype)) {
			logger.warn("{} is not a protobuf method; its google.api.http option is ignored",
					grpcMethod.getFullMethodName());
			return;
		}
		bindings.add(new HttpBinding(verb, template, body, wholeBody, responseBody,
				(io.grpc.MethodDescriptor<Message, Message>) grpcMethod, prototype));
	}

	/**
	 * Returns the field a dotted path names.
	 */
	private static List<FieldDescriptor> field(Descriptor type, String path) {
		List<FieldDescriptor> fields = new ArrayList<>();
		Descriptor current = type;
		String[] names = path.split("\\.");
		for (int i = 0; i < names.length; i++) {
			if (current == null) {
				throw new IllegalArgumentException("'" + path + "' does not name a field of " + type.getFullName());
			}
			FieldDescriptor field = current.findFieldByName(names[i]);
			if (field == null) {
				field = jsonNamed(current, names[i]);
			}
			if (field == null || (i < names.length - 1 && (field.isRepeated()
					|| field.getJavaType() != FieldDescriptor.JavaType.MESSAGE))) {
				throw new IllegalArgumentException("'" + path + "' does not name a field of " + type.getFullName());
			}
			fields.add(field);
			current = (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) ? field.getMessageType() : null;
		}
		return fields;
	}

	private static @Nullable FieldDescriptor jsonNamed(Descriptor type, String name) {
		for (FieldDescriptor field : type.getFields()) {
			if (field.getJsonName().equals(name)) {
				return field;
			}
		}
		return null;
	}

	/**
	 * Whether any method has an HTTP rule.
	 */
	boolean isEmpty() {
		return this.bindings.isEmpty();
	}

	/**
	 * Finds the binding of a request.
	 * @param verb the HTTP method
	 * @param rawPath the path, still percent-encoded
	 * @return the match, the verbs the path allows when none is this one, or {@code null} when no
	 * template matches the path
	 */
	@Nullable Match match(String verb, String rawPath) {
		Set<String> allowed = new LinkedHashSet<>();
		for (HttpBinding binding : this.bindings) {
			Map<String, String> variables;
			try {
				variables = binding.template().match(rawPath);
			}
			catch (IllegalArgumentException ex) {
				return new Match(binding, Map.of(), Set.of(), ex.getMessage());
			}
			if (variables == null) {
				continue;
			}
			if (binding.verb().equals(verb)) {
				return new Match(binding, variables, Set.of(), null);
			}
			allowed.add(binding.verb());
		}
		return allowed.isEmpty() ? null : new Match(null, Map.of(), allowed, null);
	}

	/**
	 * Serves a matched request.
	 * @param request the HTTP request
	 * @param response the HTTP response
	 * @param bridge the running bridge
	 * @param match the binding and path variables
	 * @param limits the message and metadata limits
	 * @throws IOException when reading the request or writing an error fails
	 */
	void serve(HttpServletRequest request, HttpServletResponse response, GrpcHttpBridge.State bridge, Match match,
			HttpLimits limits) throws IOException {
		HttpBinding binding = match.binding();
		if (binding == null) {
			response.setHeader("Allow", String.join(", ", match.allowed()));
			this.json.writeError(response, Status.UNIMPLEMENTED.withDescription("HTTP method " + request.getMethod()
					+ " is not allowed on this path; allowed: " + String.join(", ", match.allowed())), 405);
			return;
		}
		JsonCall call = new JsonCall(response, binding, this.json);
		try {
			if (match.malformed() != null) {
				throw invalid(match.malformed());
			}
			MethodType type = binding.method().getType();
			if (type != MethodType.UNARY && type != MethodType.SERVER_STREAMING) {
				throw new HttpCalls.HttpCallException(Status.UNIMPLEMENTED.withDescription("Method "
						+ binding.method().getFullMethodName()
						+ " is client-streaming or bidirectional: HTTP/JSON serves unary and server-streaming methods"),
						501);
			}
			Message message = request(request, binding, match.variables(), limits);
			call.start(request, bridge.channel(), binding.method(), HttpCalls.metadata(request, limits.maxMetadataSize()),
					HttpCalls.timeoutNanos(request), List.of(message), binding.streaming());
		}
		catch (HttpCalls.HttpCallException ex) {
			this.json.writeError(response, ex.status(), ex.httpStatus());
		}
	}

	private Message request(HttpServletRequest request, HttpBinding binding, Map<String, String> variables,
			HttpLimits limits) throws IOException {
		Message.Builder builder = binding.requestPrototype().newBuilderForType();
		if (binding.wholeBody() || binding.body() != null) {
			byte[] body = HttpCall.readBody(request, limits.maxMessageSize());
			if (body.length > 0) {
				String contentType = request.getContentType();
				if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
					throw new HttpCalls.HttpCallException(Status.INVALID_ARGUMENT.withDescription(
							"Unsupported content type '" + contentType + "': send application/json"), 415);
				}
				String text = new String(body, StandardCharsets.UTF_8);
				if (binding.body() != null) {
					// The body is the field's value in JSON; parse it as that field of the request.
					text = "{\"" + binding.body().getJsonName() + "\":" + text + "}";
				}
				this.json.merge(text, builder);
			}
		}
		Set<String> bound = new LinkedHashSet<>(variables.keySet());
		for (Map.Entry<String, String> variable : variables.entrySet()) {
			set(builder, variable.getKey(), variable.getValue(), "path variable");
		}
		String query = request.getQueryString();
		if (query != null && !query.isEmpty()) {
			if (binding.wholeBody()) {
				throw invalid("Query parameters are not accepted here: the body is the whole request");
			}
			for (String pair : query.split("&")) {
				if (pair.isEmpty()) {
					continue;
				}
				int equals = pair.indexOf('=');
				String name;
				String value;
				try {
					name = URLDecoder.decode((equals >= 0) ? pair.substring(0, equals) : pair, StandardCharsets.UTF_8);
					value = (equals >= 0) ? URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8) : "";
				}
				catch (IllegalArgumentException ex) {
					throw invalid("Malformed query parameter '" + abbreviate(pair) + "'");
				}
				if (bound.contains(name) || (binding.body() != null && (name.equals(binding.body().getName())
						|| name.startsWith(binding.body().getName() + ".")))) {
					throw invalid("Query parameter '" + abbreviate(name) + "' sets a field bound by the path or body");
				}
				set(builder, name, value, "query parameter");
			}
		}
		return builder.build();
	}

	private static void set(Message.Builder builder, String path, String value, String source) {
		List<FieldDescriptor> fields;
		try {
			fields = field(builder.getDescriptorForType(), path);
		}
		catch (IllegalArgumentException ex) {
			throw invalid("Unknown " + source + " '" + abbreviate(path) + "'");
		}
		set(builder, fields, 0, value, path);
	}

	private static void set(Message.Builder builder, List<FieldDescriptor> fields, int index, String value,
			String path) {
		FieldDescriptor field = fields.get(index);
		if (index < fields.size() - 1) {
			Message.Builder nested = builder.hasField(field) ? ((Message) builder.getField(field)).toBuilder()
					: builder.newBuilderForField(field);
			set(nested, fields, index + 1, value, path);
			builder.setField(field, nested.build());
			return;
		}
		if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE || field.isMapField()) {
			throw invalid("Field '" + abbreviate(path) + "' is a message: set it in the JSON body");
		}
		Object converted = scalar(field, value, path);
		if (field.isRepeated()) {
			builder.addRepeatedField(field, converted);
		}
		else {
			builder.setField(field, converted);
		}
	}

	private static Object scalar(FieldDescriptor field, String value, String path) {
		try {
			return switch (field.getJavaType()) {
				case INT -> switch (field.getType()) {
					case UINT32, FIXED32 -> Integer.parseUnsignedInt(value);
					default -> Integer.parseInt(value);
				};
				case LONG -> switch (field.getType()) {
					case UINT64, FIXED64 -> Long.parseUnsignedLong(value);
					default -> Long.parseLong(value);
				};
				case FLOAT -> Float.parseFloat(value);
				case DOUBLE -> Double.parseDouble(value);
				case BOOLEAN -> switch (value) {
					case "true" -> Boolean.TRUE;
					case "false" -> Boolean.FALSE;
					default -> throw new IllegalArgumentException(value);
				};
				case STRING -> value;
				case BYTE_STRING -> com.google.protobuf.ByteString
					.copyFrom((value.indexOf('-') >= 0 || value.indexOf('_') >= 0) ? Base64.getUrlDecoder().decode(value)
							: Base64.getDecoder().decode(value));
				case ENUM -> enumValue(field, value);
				case MESSAGE -> throw new IllegalArgumentException(value);
			};
		}
		catch (IllegalArgumentException ex) {
			throw invalid("Invalid value '" + abbreviate(value) + "' for field '" + abbreviate(path) + "' of type "
					+ field.getType().name().toLowerCase(Locale.ROOT));
		}
	}

	private static EnumValueDescriptor enumValue(FieldDescriptor field, String value) {
		EnumValueDescriptor named = field.getEnumType().findValueByName(value);
		if (named != null) {
			return named;
		}
		EnumValueDescriptor numbered = field.getEnumType().findValueByNumber(Integer.parseInt(value));
		if (numbered == null) {
			throw new IllegalArgumentException(value);
		}
		return numbered;
	}

	private static HttpCalls.HttpCallException invalid(String message) {
		return new HttpCalls.HttpCallException(Status.INVALID_ARGUMENT.withDescription(message), 400);
	}

	private static String abbreviate(String value) {
		return (value.length() <= 64) ? value : value.substring(0, 64) + "...";
	}

	/**
	 * The outcome of matching a request.
	 * @param binding the matching binding, or {@code null} when only other verbs match
	 * @param variables decoded path variables by field path
	 * @param allowed the verbs the path allows, when {@code binding} is {@code null}
	 * @param malformed why the path could not be decoded, if it could not
	 */
	record Match(@Nullable HttpBinding binding, Map<String, String> variables, Set<String> allowed,
			@Nullable String malformed) {
	}

	/**
	 * Proto3 JSON of the served messages and of {@code google.rpc} error details.
	 */
	static final class JsonMessages {

		private final JsonFormat.Parser parser;

		private final JsonFormat.Printer printer;

		private static final java.util.regex.Pattern EXCEPTION_CLASS_PREFIX = java.util.regex.Pattern
			.compile("(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error): ");

		JsonMessages(List<Descriptor> types) {
			JsonFormat.TypeRegistry registry = JsonFormat.TypeRegistry.newBuilder()
				.add(types)
				.add(com.google.rpc.ErrorInfo.getDescriptor().getFile().getMessageTypes())
				.build();
			this.parser = JsonFormat.parser().usingTypeRegistry(registry);
			this.printer = JsonFormat.printer().usingTypeRegistry(registry).omittingInsignificantWhitespace();
		}

		void merge(String json, Message.Builder builder) {
			try {
				this.parser.merge(json, builder);
			}
			catch (InvalidProtocolBufferException | RuntimeException ex) {
				// JsonFormat's messages name the field or token at fault; the JSON reader's own
				// exception class names (e.g. "java.io.EOFException: ") are the server's, not the caller's.
				String reason = (ex.getMessage() != null) ? ex.getMessage() : "malformed JSON";
				reason = EXCEPTION_CLASS_PREFIX.matcher(reason).replaceAll("");
				throw invalid("Invalid JSON body: " + abbreviate(reason.replace('\n', ' ')));
			}
		}

		String print(Message message) {
			try {
				return this.printer.print(message);
			}
			catch (InvalidProtocolBufferException ex) {
				throw new IllegalStateException("Cannot print " + message.getDescriptorForType().getFullName()
						+ " as JSON", ex);
			}
		}

		String status(Status status, io.grpc.Metadata trailers) {
			com.google.rpc.Status proto = io.grpc.protobuf.StatusProto.fromStatusAndTrailers(status, trailers);
			try {
				return this.printer.print(proto);
			}
			catch (InvalidProtocolBufferException ex) {
				// A detail of a type outside the registry: the code and message still reach the caller.
				return print(proto.toBuilder().clearDetails().build());
			}
		}

		void writeError(HttpServletResponse response, Status status, int httpStatus) throws IOException {
			response.setStatus(httpStatus);
			response.setContentType("application/json");
			response.setCharacterEncoding("UTF-8");
			response.getOutputStream().write(status(status, new io.grpc.Metadata()).getBytes(StandardCharsets.UTF_8));
		}

	}

}
