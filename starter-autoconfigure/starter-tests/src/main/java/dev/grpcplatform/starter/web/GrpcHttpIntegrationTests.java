package dev.grpcplatform.starter.web;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.testing.HttpTestApplication;
import dev.grpcplatform.starter.testing.ItemGrpcService;
import dev.grpcplatform.starter.testing.SecuredEcho;
import dev.grpcplatform.starter.testing.v1.CreateItemRequest;
import dev.grpcplatform.starter.testing.v1.GetItemRequest;
import dev.grpcplatform.starter.testing.v1.Item;
import dev.grpcplatform.starter.testing.v1.ListItemsRequest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * gRPC-Web and HTTP/JSON transcoding on a running application, with a real HTTP client on the
 * application's HTTP port: every request passes the platform's chain (authentication and scopes,
 * validation, error mapping, metrics, access log) as a native gRPC call does.
 */
@ExtendWith(OutputCaptureExtension.class)
class GrpcHttpIntegrationTests {

	private static final String ITEMS = "platform.testing.v1.ItemService/";

	private static final String ORIGIN = "https://app.example.com";

	private static final String[] PROPERTIES = { "platform.grpc.http.grpc-web.enabled=true",
			"platform.grpc.http.json.enabled=true", "platform.grpc.http.cors.allowed-origins=" + ORIGIN,
			"management.server.port=0", "management.server.address=127.0.0.1",
			"platform.grpc.limits.max-inbound-message-size=64KB",
			"platform.grpc.security.required-scopes[platform.testing.v1.ItemService/*]=items:read",
			"platform.grpc.security.required-scopes[platform.testing.v1.ItemService/CreateItem]=items:read,items:write" };

	private static final String READER = SecuredEcho.token("reader").scopes("items:read").mint();

	private static final String WRITER = SecuredEcho.token("writer").scopes("items:read", "items:write").mint();

	private static RunningGrpcApplication app;

	private static HttpClient http;

	@BeforeAll
	static void start() {
		app = RunningGrpcApplication.builder(HttpTestApplication.class)
			.withWebServer()
			.properties(SecuredEcho.SECURED)
			.properties(PROPERTIES)
			.start();
		http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
	}

	@AfterAll
	static void stop() {
		app.close();
	}

	@Test
	void jsonRequestsFollowTheHttpBindings() throws Exception {
		HttpResponse<String> created = json("POST", "/v1/shelves/kitchen/items",
				"{\"name\":\"Lamp\",\"priceCents\":\"1200\",\"tags\":[\"home\"]}", WRITER);
		assertThat(created.statusCode()).isEqualTo(200);
		assertThat(created.headers().firstValue("content-type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/json"));
		String id = field(created.body(), "id");
		assertThat(created.body()).contains("\"shelf\":\"kitchen\"").contains("\"name\":\"Lamp\"")
			.contains("\"priceCents\":\"1200\"");

		assertThat(json("GET", "/v1/shelves/kitchen/items/" + id, null, READER).body()).isEqualTo(created.body());
		assertThat(json("GET", "/v1/items/" + id, null, READER).body()).isEqualTo(created.body());

		HttpResponse<String> updated = json("PATCH", "/v1/items/" + id, "{\"name\":\"Desk lamp\",\"tags\":[\"home\"]}",
				READER);
		assertThat(updated.statusCode()).isEqualTo(200);
		assertThat(updated.body()).contains("\"id\":\"" + id + "\"").contains("\"name\":\"Desk lamp\"");

		HttpResponse<String> search = json("GET", "/v1/items:search?name=Desk%20lamp&tags=home", null, READER);
		assertThat(search.statusCode()).isEqualTo(200);
		// response_body: the list itself, not the response message.
		assertThat(search.body()).startsWith("[").contains("\"name\":\"Desk lamp\"").doesNotContain("total");

		HttpResponse<String> count = json("POST", "/v1/items:count", "{\"name\":\"Desk lamp\"}", READER);
		assertThat(count.body()).isEqualTo("{\"total\":1}");
	}

	@Test
	void jsonErrorsAreGoogleRpcStatusWithTheirHttpStatus(CapturedOutput output) throws Exception {
		HttpResponse<String> anonymous = json("GET", "/v1/items/nothing", null, null);
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(anonymous.body()).contains("\"code\":16").contains("Authentication required");

		HttpResponse<String> reader = json("POST", "/v1/shelves/kitchen/items", "{\"name\":\"Chair\"}", READER);
		assertThat(reader.statusCode()).isEqualTo(403);
		assertThat(reader.body()).contains("\"code\":7").contains("Permission denied");

		HttpResponse<String> invalid = json("POST", "/v1/shelves/kitchen/items", "{\"name\":\"\",\"priceCents\":-5}",
				WRITER);
		assertThat(invalid.statusCode()).isEqualTo(400);
		com.google.rpc.Status invalidStatus = status(invalid.body());
		assertThat(invalidStatus.getCode()).isEqualTo(3);
		assertThat(badRequestFields(invalidStatus)).containsExactlyInAnyOrder("item.name", "item.price_cents");

		String requestId = "json-" + UUID.randomUUID();
		HttpResponse<String> unknown = send(request("GET", "/v1/items/no-such-item", null, READER)
			.header("x-request-id", requestId)
			.build());
		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(unknown.body()).contains("\"code\":5").contains("No item no-such-item");
		assertThat(unknown.headers().firstValue("x-request-id")).hasValue(requestId);
		// The access log writes its lines on its own thread, a few milliseconds after the call.
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(output.getAll()).containsPattern("method=" + Pattern.quote(ITEMS + "GetItem")
					+ " status=NOT_FOUND .*peer=127\\.0\\.0\\.1:\\d+ principal=reader request_id=" + requestId));
	}

	@Test
	void jsonBadInputIsAnsweredWithAClearStatus() throws Exception {
		HttpResponse<String> malformed = json("POST", "/v1/shelves/kitchen/items", "{\"name\":", WRITER);
		assertThat(malformed.statusCode()).isEqualTo(400);
		assertThat(malformed.body()).contains("\"code\":3").contains("Invalid JSON body")
			.doesNotContain("Exception")
			.doesNotContain("java.");

		HttpResponse<String> unknownField = json("POST", "/v1/shelves/kitchen/items", "{\"colour\":\"red\"}", WRITER);
		assertThat(unknownField.statusCode()).isEqualTo(400);
		assertThat(unknownField.body()).contains("colour");

		HttpResponse<String> wrongType = send(request("POST", "/v1/shelves/kitchen/items", "name=Lamp", WRITER)
			.setHeader("Content-Type", "application/x-www-form-urlencoded")
			.build());
		assertThat(wrongType.statusCode()).isEqualTo(415);
		assertThat(wrongType.body()).contains("application/json");

		HttpResponse<String> wrongVerb = json("DELETE", "/v1/items/some-id", null, READER);
		assertThat(wrongVerb.statusCode()).isEqualTo(405);
		assertThat(wrongVerb.headers().firstValue("allow")).hasValue("GET, PATCH");

		assertThat(json("GET", "/v1/items:search?colour=red", null, READER).statusCode()).isEqualTo(400);
		assertThat(message(json("GET", "/v1/items:search?limit=many", null, READER).body()))
			.isEqualTo("Invalid value 'many' for field 'limit' of type int32");
		assertThat(send(request("GET", "/v1/items/x", null, READER).header("grpc-timeout", "soon").build()).body())
			.contains("Malformed grpc-timeout");

		HttpResponse<String> clientStreaming = json("POST", "/v1/items:import", "{}", READER);
		assertThat(clientStreaming.statusCode()).isEqualTo(501);
		assertThat(clientStreaming.body()).contains("\"code\":12");

		HttpResponse<String> tooLarge = json("POST", "/v1/shelves/kitchen/items",
				"{\"name\":\"" + "x".repeat(70 * 1024) + "\"}", WRITER);
		assertThat(tooLarge.statusCode()).isEqualTo(413);
		assertThat(tooLarge.body()).contains("\"code\":8");

		// No binding: the application's own answer (its controllers may serve other paths).
		assertThat(json("GET", "/v2/nothing", null, READER).statusCode()).isEqualTo(404);
	}

	@Test
	void jsonServerStreamingIsNewlineDelimitedWithAFinalError() throws Exception {
		String shelf = "stream-" + UUID.randomUUID();
		for (String name : List.of("a", "b", "c")) {
			assertThat(json("POST", "/v1/shelves/" + shelf + "/items", "{\"name\":\"" + name + "\"}", WRITER).statusCode())
				.isEqualTo(200);
		}
		HttpResponse<String> all = json("GET", "/v1/shelves/" + shelf + "/items", null, READER);
		assertThat(all.statusCode()).isEqualTo(200);
		assertThat(all.headers().firstValue("content-type")).hasValue("application/x-ndjson;charset=UTF-8");
		assertThat(all.body().split("\n")).hasSize(3).allSatisfy((line) -> assertThat(line).startsWith("{\"result\":{"));

		String[] failing = json("GET", "/v1/shelves/" + shelf + "/items?failAfter=2", null, READER).body().split("\n");
		assertThat(failing).hasSize(3);
		assertThat(failing[2]).startsWith("{\"error\":{\"code\":5").contains("Shelf emptied while listing");

		HttpResponse<String> late = send(request("GET", "/v1/shelves/" + shelf + "/items?count=10&delay_millis=500", null,
				READER)
			.header("grpc-timeout", "300m")
			.build());
		assertThat(late.body()).contains("\"code\":4");
	}

	@Test
	void clientThatDisconnectsCancelsTheCall() throws Exception {
		String shelf = "cancel-" + UUID.randomUUID();
		json("POST", "/v1/shelves/" + shelf + "/items", "{\"name\":\"a\"}", WRITER);
		HttpResponse<InputStream> stream = http.send(
				request("GET", "/v1/shelves/" + shelf + "/items?count=100000&delayMillis=5", null, READER).build(),
				HttpResponse.BodyHandlers.ofInputStream());
		try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
			assertThat(lines.readLine()).startsWith("{\"result\":");
		}
		ItemGrpcService service = app.bean(ItemGrpcService.class);
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (!service.cancelledLists.contains(shelf) && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		assertThat(service.cancelledLists).contains(shelf);
	}

	@Test
	void grpcWebServesUnaryAndServerStreamingCallsInBinaryAndText() throws Exception {
		String shelf = "web-" + UUID.randomUUID();
		CreateItemRequest create = CreateItemRequest.newBuilder()
			.setShelf(shelf)
			.setItem(Item.newBuilder().setName("Kettle").setPriceCents(2500))
			.build();
		String requestId = "web-" + UUID.randomUUID();
		GrpcWebResponse created = grpcWeb("CreateItem", "application/grpc-web+proto", create.toByteArray(), WRITER,
				requestId);
		assertThat(created.http().statusCode()).isEqualTo(200);
		assertThat(created.http().headers().firstValue("content-type")).hasValue("application/grpc-web+proto");
		assertThat(created.http().headers().firstValue("x-request-id")).hasValue(requestId);
		assertThat(created.trailers()).containsEntry("grpc-status", "0");
		Item item = Item.parseFrom(created.messages().get(0));
		assertThat(item.getName()).isEqualTo("Kettle");
		assertThat(item.getShelf()).isEqualTo(shelf);

		GrpcWebResponse text = grpcWeb("GetItem", "application/grpc-web-text",
				GetItemRequest.newBuilder().setId(item.getId()).build().toByteArray(), READER, null);
		assertThat(text.http().headers().firstValue("content-type")).hasValue("application/grpc-web-text+proto");
		assertThat(Item.parseFrom(text.messages().get(0))).isEqualTo(item);
		assertThat(text.trailers()).containsEntry("grpc-status", "0");

		grpcWeb("CreateItem", "application/grpc-web", create.toByteArray(), WRITER, null);
		GrpcWebResponse listed = grpcWeb("ListItems", "application/grpc-web",
				ListItemsRequest.newBuilder().setShelf(shelf).build().toByteArray(), READER, null);
		assertThat(listed.messages()).hasSize(2);
		assertThat(listed.trailers()).containsEntry("grpc-status", "0");
	}

	@Test
	void grpcWebErrorsAndBadInputEndWithAGrpcStatus() throws Exception {
		byte[] get = GetItemRequest.newBuilder().setId("no-such-item").build().toByteArray();
		GrpcWebResponse anonymous = grpcWeb("GetItem", "application/grpc-web+proto", get, null, null);
		assertThat(anonymous.http().statusCode()).isEqualTo(200);
		assertThat(anonymous.trailers()).containsEntry("grpc-status", "16");
		assertThat(anonymous.http().headers().firstValue("grpc-status")).hasValue("16");

		CreateItemRequest invalid = CreateItemRequest.newBuilder()
			.setShelf("kitchen")
			.setItem(Item.newBuilder().setName(""))
			.build();
		assertThat(grpcWeb("CreateItem", "application/grpc-web", invalid.toByteArray(), READER, null).trailers())
			.containsEntry("grpc-status", "7");
		GrpcWebResponse violations = grpcWeb("CreateItem", "application/grpc-web", invalid.toByteArray(), WRITER, null);
		assertThat(violations.trailers()).containsEntry("grpc-status", "3");
		assertThat(badRequestFields(violations.trailers().get("grpc-status-details-bin"))).containsExactly("item.name");

		GrpcWebResponse unknown = grpcWeb("GetItem", "application/grpc-web", get, READER, null);
		assertThat(unknown.trailers()).containsEntry("grpc-status", "5").containsEntry("grpc-message", "No item no-such-item");

		GrpcWebResponse clientStreaming = grpcWeb("ImportItems", "application/grpc-web", new byte[0], READER, null);
		assertThat(clientStreaming.trailers()).containsEntry("grpc-status", "12");
		assertThat(clientStreaming.trailers().get("grpc-message")).contains("client-streaming");

		byte[] truncated = { 0, 0, 0, 0, 10, 1, 2 };
		GrpcWebResponse cut = grpcWebRaw("GetItem", "application/grpc-web", truncated, READER);
		assertThat(cut.trailers()).containsEntry("grpc-status", "3");
		assertThat(cut.trailers().get("grpc-message")).contains("Truncated gRPC-Web frame");

		GrpcWebResponse notBase64 = grpcWebRaw("GetItem", "application/grpc-web-text",
				"not base64!".getBytes(StandardCharsets.US_ASCII), READER);
		assertThat(notBase64.trailers()).containsEntry("grpc-status", "3");

		HttpResponse<String> wrongType = send(request("POST", "/" + ITEMS + "GetItem", "hello", READER)
			.setHeader("Content-Type", "text/plain")
			.build());
		assertThat(wrongType.statusCode()).isEqualTo(415);

		GrpcWebResponse unknownMethod = grpcWeb("NoSuchMethod", "application/grpc-web", get, READER, null);
		assertThat(unknownMethod.trailers()).containsEntry("grpc-status", "12");
	}

	@Test
	void metricsCountHttpCallsUnderTheirGrpcMethodNames() throws Exception {
		String series = "grpc_server_call_duration_seconds_count{grpc_method=\"" + ITEMS
				+ "GetItem\",grpc_status=\"NOT_FOUND\"}";
		double before = sample(series);
		json("GET", "/v1/items/missing", null, READER);
		grpcWeb("GetItem", "application/grpc-web", GetItemRequest.newBuilder().setId("missing").build().toByteArray(),
				READER, null);
		assertThat(sample(series)).isEqualTo(before + 2);
		String anonymous = "grpc_server_call_duration_seconds_count{grpc_method=\"" + ITEMS
				+ "CreateItem\",grpc_status=\"UNAUTHENTICATED\"}";
		double anonymousBefore = sample(anonymous);
		json("POST", "/v1/shelves/kitchen/items", "{\"name\":\"Lamp\"}", null);
		assertThat(sample(anonymous)).isEqualTo(anonymousBefore + 1);
	}

	@Test
	void corsAnswersPreflightsOnlyForConfiguredOrigins() throws Exception {
		HttpResponse<String> allowed = send(preflight("/v1/items/x", ORIGIN, "GET"));
		assertThat(allowed.statusCode()).isEqualTo(204);
		assertThat(allowed.headers().firstValue("access-control-allow-origin")).hasValue(ORIGIN);
		assertThat(allowed.headers().firstValue("access-control-allow-headers")).hasValue("authorization,x-request-id");

		HttpResponse<String> grpcWebPreflight = send(preflight("/" + ITEMS + "GetItem", ORIGIN, "POST"));
		assertThat(grpcWebPreflight.statusCode()).isEqualTo(204);
		assertThat(grpcWebPreflight.headers().firstValue("access-control-allow-methods")).hasValue("POST");

		HttpResponse<String> other = send(preflight("/v1/items/x", "https://evil.example", "GET"));
		assertThat(other.statusCode()).isEqualTo(403);
		assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();

		HttpResponse<String> crossOrigin = send(request("GET", "/v1/items/x", null, READER).header("Origin", ORIGIN).build());
		assertThat(crossOrigin.statusCode()).isEqualTo(404);
		assertThat(crossOrigin.headers().firstValue("access-control-allow-origin")).hasValue(ORIGIN);
		assertThat(crossOrigin.headers().firstValue("access-control-expose-headers")).hasValueSatisfying(
				(exposed) -> assertThat(exposed).contains("grpc-status", "grpc-message", "x-request-id"));
		assertThat(send(request("GET", "/v1/items/x", null, READER).header("Origin", "https://evil.example").build())
			.statusCode()).isEqualTo(403);
	}

	@Test
	void enablingHttpWithoutASeparateManagementPortFailsAtStartup() {
		assertThatException().isThrownBy(() -> RunningGrpcApplication.builder(HttpTestApplication.class)
			.withWebServer()
			.properties("platform.grpc.http.grpc-web.enabled=true")
			.start()
			.close()).withStackTraceContaining("management.server.port");
	}

	private static HttpRequest preflight(String path, String origin, String method) {
		return HttpRequest.newBuilder(uri(path))
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.header("Origin", origin)
			.header("Access-Control-Request-Method", method)
			.header("Access-Control-Request-Headers", "authorization,x-request-id")
			.build();
	}

	private static double sample(String series) throws Exception {
		int port = app.context().getEnvironment().getRequiredProperty("local.management.port", Integer.class);
		HttpResponse<String> scrape = http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
				HttpResponse.BodyHandlers.ofString());
		for (String line : scrape.body().split("\n")) {
			if (line.startsWith(series + " ")) {
				return Double.parseDouble(line.substring(series.length() + 1));
			}
		}
		return 0;
	}

	private static List<String> badRequestFields(@Nullable String detailsBase64) throws InvalidProtocolBufferException {
		assertThat(detailsBase64).isNotNull();
		return badRequestFields(com.google.rpc.Status.parseFrom(Base64.getDecoder().decode(detailsBase64)));
	}

	private static List<String> badRequestFields(com.google.rpc.Status status) throws InvalidProtocolBufferException {
		List<String> fields = new ArrayList<>();
		for (com.google.protobuf.Any detail : status.getDetailsList()) {
			if (detail.is(BadRequest.class)) {
				detail.unpack(BadRequest.class).getFieldViolationsList().forEach((violation) -> fields.add(violation.getField()));
			}
		}
		return fields;
	}

	private static URI uri(String path) {
		return URI.create("http://127.0.0.1:" + app.webPort() + path);
	}

	private static HttpRequest.Builder request(String method, String path, @Nullable String body,
			@Nullable String token) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path))
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
					: HttpRequest.BodyPublishers.noBody())
			.timeout(Duration.ofSeconds(30));
		if (body != null) {
			builder.header("Content-Type", "application/json");
		}
		if (token != null) {
			builder.header("Authorization", "Bearer " + token);
		}
		return builder;
	}

	private static HttpResponse<String> json(String method, String path, @Nullable String body, @Nullable String token)
			throws Exception {
		return send(request(method, path, body, token).build());
	}

	private static HttpResponse<String> send(HttpRequest request) throws Exception {
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static String message(String statusJson) throws InvalidProtocolBufferException {
		return status(statusJson).getMessage();
	}

	/**
	 * Parses a body as the google.rpc.Status it must be (unknown fields fail).
	 */
	private static com.google.rpc.Status status(String json) throws InvalidProtocolBufferException {
		com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder();
		JsonFormat.parser()
			.usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder()
				.add(com.google.rpc.ErrorInfo.getDescriptor().getFile().getMessageTypes())
				.build())
			.merge(json, status);
		return status.build();
	}

	private static String field(String json, String name) {
		Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
		assertThat(matcher.find()).as("field %s in %s", name, json).isTrue();
		return matcher.group(1);
	}

	private static GrpcWebResponse grpcWeb(String method, String contentType, byte[] message, @Nullable String token,
			@Nullable String requestId) throws Exception {
		byte[] frame = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
		boolean text = contentType.startsWith("application/grpc-web-text");
		return grpcWebRaw(method, contentType, text ? Base64.getEncoder().encode(frame) : frame, token, requestId);
	}

	private static GrpcWebResponse grpcWebRaw(String method, String contentType, byte[] body, @Nullable String token)
			throws Exception {
		return grpcWebRaw(method, contentType, body, token, null);
	}

	private static GrpcWebResponse grpcWebRaw(String method, String contentType, byte[] body, @Nullable String token,
			@Nullable String requestId) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri("/" + ITEMS + method))
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.header("Content-Type", contentType)
			.header("X-Grpc-Web", "1")
			.timeout(Duration.ofSeconds(30));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		if (requestId != null) {
			request.header("x-request-id", requestId);
		}
		HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
		return GrpcWebResponse.parse(response, contentType.startsWith("application/grpc-web-text"));
	}

	/**
	 * A gRPC-Web response read as a browser client reads it: data frames, then one trailer frame.
	 */
	private record GrpcWebResponse(HttpResponse<byte[]> http, List<byte[]> messages, Map<String, String> trailers) {

		static GrpcWebResponse parse(HttpResponse<byte[]> response, boolean text) {
			byte[] body = response.body();
			if (text) {
				StringBuilder decoded = new StringBuilder();
				java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
				for (byte b : body) {
					decoded.append((char) b);
					if (decoded.length() == 4) {
						bytes.writeBytes(Base64.getDecoder().decode(decoded.toString()));
						decoded.setLength(0);
					}
				}
				body = bytes.toByteArray();
			}
			List<byte[]> messages = new ArrayList<>();
			Map<String, String> trailers = new LinkedHashMap<>();
			ByteBuffer buffer = ByteBuffer.wrap(body);
			while (buffer.remaining() >= 5) {
				byte flags = buffer.get();
				byte[] payload = new byte[buffer.getInt()];
				buffer.get(payload);
				if ((flags & 0x80) != 0) {
					for (String line : new String(payload, StandardCharsets.US_ASCII).split("\r\n")) {
						int colon = line.indexOf(':');
						trailers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
					}
				}
				else {
					messages.add(payload);
				}
			}
			assertThat(buffer.hasRemaining()).as("bytes after the last frame").isFalse();
			return new GrpcWebResponse(response, messages, trailers);
		}

	}

}
