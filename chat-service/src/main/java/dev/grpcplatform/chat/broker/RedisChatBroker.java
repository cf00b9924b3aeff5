package dev.grpcplatform.chat.broker;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.grpcplatform.proto.chat.v1.ChatMessage;
import dev.grpcplatform.proto.chat.v1.ChatResponse;
import dev.grpcplatform.proto.chat.v1.Member;
import io.lettuce.core.event.EventBus;
import io.lettuce.core.event.connection.DisconnectedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.DefaultTypedTuple;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations.TypedTuple;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * {@link ChatBroker} over Redis, shared by every instance that uses the same Redis: events travel
 * by pub/sub, one channel per room ({@code chat:room:<id>:events}, the serialized ChatResponse);
 * messages are also kept in one stream per room ({@link RedisHistory}); presences live in one
 * sorted set per room ({@code chat:room:<id>:members}) scored by their expiry time, which each
 * instance renews for its own members, so that the members of an instance that died drop out
 * after the presence TTL. When a connection to Redis breaks, every listener learns that it may
 * have missed events (pub/sub does not resend what was published meanwhile).
 */
public class RedisChatBroker implements ChatBroker, DisposableBean, ApplicationListener<ContextClosedEvent> {

	private static final Log logger = LogFactory.getLog(RedisChatBroker.class);

	private final RedisTemplate<String, byte[]> events;

	private final StringRedisTemplate presences;

	private final RedisMessageListenerContainer container;

	private final Duration presenceTtl;

	private final Clock clock;

	private final RedisHistory history;

	private final Disposable connectionWatch;

	private final Map<Listener, MessageListener> subscribed = new ConcurrentHashMap<>();

	/**
	 * Presence entries of this instance's members by room, renewed periodically; guarded by itself.
	 */
	private final Map<String, Set<String>> ownPresences = new HashMap<>();

	private final ScheduledExecutorService renewal;

	private volatile boolean renewalFailing;

	/**
	 * Creates a broker and starts renewing the presences it records.
	 * @param connectionFactory connections to Redis
	 * @param container listener container whose task executor keeps the order of the messages
	 * @param presenceTtl time a presence lasts without renewal
	 * @param history size and time to live of the rooms' histories
	 * @param connectionEvents events of the Lettuce client of the connection factory, to learn of
	 * broken connections, or {@code null} when there are none
	 * @param clock clock of the presence expiry times
	 */
	public RedisChatBroker(RedisConnectionFactory connectionFactory, RedisMessageListenerContainer container,
			Duration presenceTtl, HistoryProperties history, EventBus connectionEvents, Clock clock) {
		this.events = new RedisTemplate<>();
		this.events.setConnectionFactory(connectionFactory);
		this.events.setKeySerializer(RedisSerializer.string());
		this.events.setValueSerializer(RedisSerializer.byteArray());
		this.events.afterPropertiesSet();
		this.presences = new StringRedisTemplate(connectionFactory);
		this.container = container;
		this.presenceTtl = presenceTtl;
		this.clock = clock;
		this.history = new RedisHistory(this.events, history);
		this.connectionWatch = (connectionEvents != null) ? connectionEvents.get()
			.filter(DisconnectedEvent.class::isInstance)
			.subscribe((event) -> interruptListeners()) : null;
		this.renewal = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "chat-presence-renewal");
			thread.setDaemon(true);
			return thread;
		});
		long period = Math.max(presenceTtl.toMillis() / 3, 100);
		this.renewal.scheduleWithFixedDelay(this::renewPresences, period, period, TimeUnit.MILLISECONDS);
	}

	static String eventsChannel(String roomId) {
		return "chat:room:" + roomId + ":events";
	}

	static String membersKey(String roomId) {
		return "chat:room:" + roomId + ":members";
	}

	@Override
	public void publish(String roomId, ChatResponse event) {
		try {
			this.events.convertAndSend(eventsChannel(roomId), event.toByteArray());
		}
		catch (RuntimeException ex) {
			throw unavailable("publish to", roomId, ex);
		}
	}

	@Override
	public void post(String roomId, ChatMessage message) {
		try {
			this.history.post(roomId, message, eventsChannel(roomId));
		}
		catch (RuntimeException ex) {
			throw unavailable("post to", roomId, ex);
		}
	}

	@Override
	public Optional<Replay> replay(String roomId, String afterMessageId, long afterSequence) {
		try {
			return Replay.read(this.history.of(roomId), afterMessageId, afterSequence);
		}
		catch (RuntimeException ex) {
			throw unavailable("read the history of", roomId, ex);
		}
	}

	private void interruptListeners() {
		if (!this.subscribed.isEmpty()) {
			logger.warn("A connection to Redis broke: the members of " + this.subscribed.size()
					+ " rooms on this instance may have missed messages and are asked to join again");
			this.subscribed.keySet().forEach(Listener::onInterrupted);
		}
	}

	@Override
	public void subscribe(String roomId, Listener listener) {
		MessageListener redisListener = (message, pattern) -> {
			ChatResponse event;
			try {
				event = ChatResponse.parseFrom(message.getBody());
			}
			catch (InvalidProtocolBufferException ex) {
				logger.warn("Ignored a message on " + eventsChannel(roomId) + " that is not a ChatResponse");
				return;
			}
			listener.onEvent(event);
		};
		this.subscribed.put(listener, redisListener);
		try {
			// Returns once Redis confirmed the subscription (or throws), so no later event is missed.
			this.container.addMessageListener(redisListener, new ChannelTopic(eventsChannel(roomId)));
		}
		catch (RuntimeException ex) {
			unsubscribe(roomId, listener);
			throw unavailable("subscribe to", roomId, ex);
		}
	}

	@Override
	public void unsubscribe(String roomId, Listener listener) {
		MessageListener redisListener = this.subscribed.remove(listener);
		if (redisListener != null) {
			try {
				this.container.removeMessageListener(redisListener, new ChannelTopic(eventsChannel(roomId)));
			}
			catch (RuntimeException ex) {
				logger.warn("Could not unsubscribe from " + eventsChannel(roomId) + ": " + ex.getMessage());
			}
		}
	}

	@Override
	public List<Member> enter(String roomId, String presenceId, Member member) {
		String entry = presenceId + "/" + member.getUserId() + "/" + member.getName();
		synchronized (this.ownPresences) {
			this.ownPresences.computeIfAbsent(roomId, (id) -> new HashSet<>()).add(entry);
		}
		String key = membersKey(roomId);
		long now = this.clock.millis();
		try {
			this.presences.opsForZSet().add(key, entry, now + this.presenceTtl.toMillis());
			this.presences.expire(key, this.presenceTtl);
			this.presences.opsForZSet().removeRangeByScore(key, Double.NEGATIVE_INFINITY, now);
			Set<String> present = this.presences.opsForZSet().rangeByScore(key, now, Double.POSITIVE_INFINITY);
			List<Member> members = new ArrayList<>();
			members.add(member);
			if (present != null) {
				present.stream().map(RedisChatBroker::parseEntry).filter((each) -> each != null).forEach(members::add);
			}
			return InMemoryChatBroker.distinctUsers(members);
		}
		catch (RuntimeException ex) {
			forget(roomId, entry);
			throw unavailable("enter", roomId, ex);
		}
	}

	@Override
	public void leave(String roomId, String presenceId) {
		String prefix = presenceId + "/";
		List<String> entries = new ArrayList<>();
		synchronized (this.ownPresences) {
			Set<String> room = this.ownPresences.get(roomId);
			if (room != null) {
				room.removeIf((entry) -> entry.startsWith(prefix) && entries.add(entry));
				if (room.isEmpty()) {
					this.ownPresences.remove(roomId);
				}
			}
		}
		if (!entries.isEmpty()) {
			try {
				this.presences.opsForZSet().remove(membersKey(roomId), entries.toArray());
			}
			catch (RuntimeException ex) {
				// It expires after the presence TTL, no longer renewed.
				logger.debug("Could not remove a presence from " + membersKey(roomId), ex);
			}
		}
	}

	private void forget(String roomId, String entry) {
		synchronized (this.ownPresences) {
			Set<String> room = this.ownPresences.get(roomId);
			if (room != null && room.remove(entry) && room.isEmpty()) {
				this.ownPresences.remove(roomId);
			}
		}
	}

	static Member parseEntry(String entry) {
		String[] parts = entry.split("/", 3);
		if (parts.length < 3) {
			return null;
		}
		try {
			return Member.newBuilder().setUserId(Long.parseLong(parts[1])).setName(parts[2]).build();
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	void renewPresences() {
		Map<String, Set<String>> snapshot = new HashMap<>();
		synchronized (this.ownPresences) {
			this.ownPresences.forEach((roomId, entries) -> snapshot.put(roomId, new HashSet<>(entries)));
		}
		double expiry = this.clock.millis() + this.presenceTtl.toMillis();
		try {
			snapshot.forEach((roomId, entries) -> {
				Set<TypedTuple<String>> tuples = new HashSet<>();
				entries.forEach((entry) -> tuples.add(new DefaultTypedTuple<>(entry, expiry)));
				this.presences.opsForZSet().add(membersKey(roomId), tuples);
				this.presences.expire(membersKey(roomId), this.presenceTtl);
			});
			if (this.renewalFailing) {
				this.renewalFailing = false;
				logger.info("Chat room presences are renewed in Redis again");
			}
		}
		catch (RuntimeException ex) {
			if (!this.renewalFailing) {
				this.renewalFailing = true;
				logger.warn("Could not renew chat room presences in Redis: " + ex.getMessage());
			}
		}
	}

	private static BrokerUnavailableException unavailable(String action, String roomId, RuntimeException ex) {
		return new BrokerUnavailableException("Could not " + action + " room " + roomId + " in Redis", ex);
	}

	/**
	 * Stops watching the connections when shutdown begins: the listener container closes its
	 * connection before the gRPC server ends the chat streams with its own status.
	 */
	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		if (this.connectionWatch != null) {
			this.connectionWatch.dispose();
		}
	}

	@Override
	public void destroy() {
		if (this.connectionWatch != null) {
			this.connectionWatch.dispose();
		}
		this.renewal.shutdownNow();
	}

}
