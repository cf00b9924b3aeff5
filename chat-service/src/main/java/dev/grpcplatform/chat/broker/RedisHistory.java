package dev.grpcplatform.chat.broker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.grpcplatform.proto.chat.v1.ChatMessage;
import dev.grpcplatform.proto.chat.v1.ChatResponse;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The rooms' histories in Redis: one stream per room ({@code chat:room:<id>:history}) whose entry
 * ids are the messages' sequences ({@code <sequence>-0}), each entry holding the message id
 * ({@code id}) and the serialized ChatResponse ({@code event}). One script numbers, appends,
 * trims and publishes a message, so the pub/sub channel carries the messages in the order of the
 * stream and a history read never misses a message that a listener subscribed later receives.
 *
 * <p>The script runs at most once per message id: Lettuce sends a command again when a broken
 * connection lost its answer (within the command timeout), and a marker key
 * ({@code chat:room:<id>:posted:<message id>}, kept for a minute) makes the second run do nothing,
 * so a Redis restart does not post a message twice.
 */
final class RedisHistory {

	/**
	 * KEYS[1] history, KEYS[2] marker of the message; ARGV: size, message id, serialized
	 * ChatResponse without sequence, TTL in milliseconds, channel. Returns the sequence, or 0 when
	 * the message was posted already. The sequence goes into the event by appending the encoding of
	 * {@code ChatResponse{message{sequence: n}}} (fields 2 and 7): a protobuf parser merges
	 * concatenated messages, so readers see one ChatMessage with its sequence.
	 */
	private static final RedisScript<Long> POST = new DefaultRedisScript<>("""
			if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', 60000) then
			  return 0
			end
			local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
			local sequence = 1
			if #top > 0 then
			  sequence = tonumber(string.match(top[1][1], '^%d+')) + 1
			end
			local n = sequence
			local varint = ''
			while n >= 128 do
			  varint = varint .. string.char(n % 128 + 128)
			  n = math.floor(n / 128)
			end
			local field = string.char(56) .. varint .. string.char(n)
			local event = ARGV[3] .. string.char(18, #field) .. field
			redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], string.format('%d-0', sequence), 'id', ARGV[2], 'event', event)
			redis.call('PEXPIRE', KEYS[1], ARGV[4])
			redis.call('PUBLISH', ARGV[5], event)
			return sequence
			""", Long.class);

	private static final byte[] ID = bytes("id");

	private static final byte[] EVENT = bytes("event");

	/**
	 * Entries read per command.
	 */
	private static final int PAGE = 500;

	/**
	 * How many entries beyond the size an approximately trimmed stream may hold (a stream node).
	 */
	private static final int TRIM_SLACK = 100;

	private final RedisTemplate<String, byte[]> template;

	private final int size;

	private final Duration ttl;

	RedisHistory(RedisTemplate<String, byte[]> template, HistoryProperties properties) {
		this.template = template;
		this.size = properties.getSize();
		this.ttl = properties.getTtl();
	}

	static String historyKey(String roomId) {
		return "chat:room:" + roomId + ":history";
	}

	static String postedKey(String roomId, String messageId) {
		return "chat:room:" + roomId + ":posted:" + messageId;
	}

	void post(String roomId, ChatMessage message, String channel) {
		byte[] event = ChatResponse.newBuilder().setMessage(message).build().toByteArray();
		this.template.execute(POST, List.of(historyKey(roomId), postedKey(roomId, message.getMessageId())),
				bytes(Integer.toString(this.size)),
				bytes(message.getMessageId()), event, bytes(Long.toString(this.ttl.toMillis())), bytes(channel));
	}

	Replay.History of(String roomId) {
		byte[] key = bytes(historyKey(roomId));
		return new Replay.History() {

			@Override
			public String messageIdAt(long sequence) {
				String id = sequence + "-0";
				List<ByteRecord> records = read((connection) -> connection.streamCommands()
					.xRange(key, Range.closed(id, id), Limit.limit().count(1)));
				return records.isEmpty() ? null : new String(field(records.get(0), ID), StandardCharsets.US_ASCII);
			}

			@Override
			public long sequenceOf(String messageId) {
				byte[] wanted = bytes(messageId);
				Range<String> range = Range.unbounded();
				int scanned = 0;
				while (scanned < RedisHistory.this.size + TRIM_SLACK) {
					Range<String> page = range;
					List<ByteRecord> records = read(
							(connection) -> connection.streamCommands().xRevRange(key, page, Limit.limit().count(PAGE)));
					for (ByteRecord record : records) {
						if (Arrays.equals(field(record, ID), wanted)) {
							return sequence(record);
						}
					}
					scanned += records.size();
					long oldest = records.isEmpty() ? 1 : sequence(records.get(records.size() - 1));
					if (records.size() < PAGE || oldest <= 1) {
						break;
					}
					range = Range.leftUnbounded(Range.Bound.inclusive((oldest - 1) + "-0"));
				}
				return 0;
			}

			@Override
			public List<ChatMessage> messagesAfter(long sequence) {
				List<ChatMessage> messages = new ArrayList<>();
				long next = sequence + 1;
				while (true) {
					Range<String> range = Range.rightUnbounded(Range.Bound.inclusive(next + "-0"));
					List<ByteRecord> records = read(
							(connection) -> connection.streamCommands().xRange(key, range, Limit.limit().count(PAGE)));
					records.forEach((record) -> messages.add(message(record)));
					if (records.size() < PAGE) {
						return messages;
					}
					next = sequence(records.get(records.size() - 1)) + 1;
				}
			}

		};
	}

	private List<ByteRecord> read(RedisCallback<List<ByteRecord>> command) {
		List<ByteRecord> records = this.template.execute(command);
		return (records != null) ? records : List.of();
	}

	private static long sequence(ByteRecord record) {
		String id = record.getId().getValue();
		return Long.parseLong(id.substring(0, id.indexOf('-')));
	}

	private static ChatMessage message(ByteRecord record) {
		try {
			return ChatResponse.parseFrom(field(record, EVENT)).getMessage();
		}
		catch (InvalidProtocolBufferException ex) {
			throw new IllegalStateException("Entry " + record.getId() + " of a chat history is not a ChatResponse", ex);
		}
	}

	private static byte[] field(ByteRecord record, byte[] name) {
		for (Map.Entry<byte[], byte[]> entry : record.getValue().entrySet()) {
			if (Arrays.equals(entry.getKey(), name)) {
				return entry.getValue();
			}
		}
		return new byte[0];
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
