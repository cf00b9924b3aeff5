package dev.grpcplatform.starter.limits;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.grpcplatform.starter.internal.GuardedServerCall;
import dev.grpcplatform.starter.internal.GuardedServerCallListener;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.util.Assert;

/**
 * Server-side deadlines: caps the deadline a caller asks for at {@code max-deadline} and gives calls
 * that come without one the default deadline of their shape, per method or service where configured
 * ({@code platform.grpc.limits.*}).
 *
 * <p>The handler sees the effective deadline as {@code Context.current().getDeadline()}, and the
 * context is cancelled when it passes; the call then ends with {@code DEADLINE_EXCEEDED}, and the
 * handler is told through {@code onCancel} (for stubs: the response observer's cancel handler). A
 * caller's deadline that is shorter than the server's is left as it is. Install it on the server
 * builder with {@link #install(ServerBuilder)}, so that it applies to every service, outside the
 * interceptors bound to services.
 */
public final class GrpcDeadlinePolicy implements ServerInterceptor, DisposableBean {

	private static final long NONE = -1;

	private final GrpcLimitsProperties properties;

	private final Map<String, Limits> limitsByMethod = new ConcurrentHashMap<>();

	private final DeadlineScheduler timer;

	public GrpcDeadlinePolicy(GrpcLimitsProperties properties) {
		validate(properties);
		this.properties = properties;
		this.timer = new DeadlineScheduler("grpc-deadline-");
	}

	private static void validate(GrpcLimitsProperties properties) {
		positive(properties.getMaxDeadline(), "platform.grpc.limits.max-deadline");
		positive(properties.getDefaultDeadline(), "platform.grpc.limits.default-deadline");
		positive(properties.getStreamingDefaultDeadline(), "platform.grpc.limits.streaming-default-deadline");
		properties.getDeadlines().forEach((name, deadlines) -> {
			Assert.isTrue(!name.isBlank() && !name.startsWith("/") && !name.endsWith("/"),
					() -> "platform.grpc.limits.deadlines keys are 'package.Service' or 'package.Service/Method', not '"
							+ name + "'");
			notNegative(deadlines.getDefaultDeadline(), "platform.grpc.limits.deadlines[" + name + "].default-deadline");
			notNegative(deadlines.getMaxDeadline(), "platform.grpc.limits.deadlines[" + name + "].max-deadline");
		});
	}

	private static void positive(@Nullable Duration duration, String key) {
		Assert.isTrue(duration == null || (!duration.isNegative() && !duration.isZero()),
				() -> key + " must be positive (leave it unset for none), not " + duration);
	}

	private static void notNegative(@Nullable Duration duration, String key) {
		Assert.isTrue(duration == null || !duration.isNegative(),
				() -> key + " must not be negative (zero means none), not " + duration);
	}

	/**
	 * Installs this policy on the given server builder, for every service it serves.
	 * @param builder server builder of any transport
	 */
	public void install(ServerBuilder<?> builder) {
		builder.intercept(this);
	}

	@Override
	public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
			ServerCallHandler<ReqT, RespT> next) {
		Limits limits = this.limitsByMethod.computeIfAbsent(call.getMethodDescriptor().getFullMethodName(),
				(name) -> limits(call.getMethodDescriptor()));
		Deadline callers = Context.current().getDeadline();
		long nanos = limits.effectiveNanos((callers != null) ? callers.timeRemaining(TimeUnit.NANOSECONDS) : NONE);
		if (nanos == NONE) {
			return next.startCall(call, headers);
		}
		Context.CancellableContext context = Context.current()
			.withDeadlineAfter(nanos, TimeUnit.NANOSECONDS, this.timer);
		GuardedServerCall<ReqT, RespT> guarded = new GuardedServerCall<>(call);
		context.addListener((cancelled) -> {
			Deadline deadline = context.getDeadline();
			if (deadline != null && deadline.isExpired()) {
				// Built only for the calls it ends.
				String description = "Deadline exceeded: the server ends calls of "
						+ call.getMethodDescriptor().getFullMethodName() + " after "
						+ TimeUnit.NANOSECONDS.toMillis(nanos) + " ms";
				guarded.closeByPlatform(Status.DEADLINE_EXCEEDED.withDescription(description), new Metadata());
			}
		}, Runnable::run);
		return new DeadlineListener<>(Contexts.interceptCall(context, guarded, headers, next), guarded, context);
	}

	private Limits limits(MethodDescriptor<?, ?> method) {
		String fullName = method.getFullMethodName();
		GrpcLimitsProperties.Deadlines forMethod = this.properties.getDeadlines().get(fullName);
		GrpcLimitsProperties.Deadlines forService = (method.getServiceName() != null)
				? this.properties.getDeadlines().get(method.getServiceName()) : null;
		Duration defaultDeadline = (method.getType() == MethodDescriptor.MethodType.UNARY)
				? this.properties.getDefaultDeadline() : this.properties.getStreamingDefaultDeadline();
		Duration maxDeadline = this.properties.getMaxDeadline();
		for (GrpcLimitsProperties.Deadlines specific : new GrpcLimitsProperties.Deadlines[] { forService, forMethod }) {
			if (specific != null && specific.getDefaultDeadline() != null) {
				defaultDeadline = specific.getDefaultDeadline();
			}
			if (specific != null && specific.getMaxDeadline() != null) {
				maxDeadline = specific.getMaxDeadline();
			}
		}
		return new Limits(nanosOrNone(defaultDeadline), nanosOrNone(maxDeadline));
	}

	private static long nanosOrNone(@Nullable Duration duration) {
		return (duration == null || duration.isZero()) ? NONE : duration.toNanos();
	}

	@Override
	public void destroy() {
		this.timer.shutdownNow();
	}

	/**
	 * Default and maximum deadline of one method, in nanoseconds, {@link #NONE} where there is none.
	 */
	private record Limits(long defaultNanos, long maxNanos) {

		/**
		 * Returns the deadline the server sets, or {@link #NONE} to leave the caller's.
		 */
		long effectiveNanos(long callersNanos) {
			if (callersNanos == NONE) {
				if (this.defaultNanos == NONE) {
					return this.maxNanos;
				}
				return (this.maxNanos == NONE) ? this.defaultNanos : Math.min(this.defaultNanos, this.maxNanos);
			}
			return (this.maxNanos != NONE && callersNanos > this.maxNanos) ? this.maxNanos : NONE;
		}

	}

	private static final class DeadlineListener<ReqT> extends GuardedServerCallListener<ReqT> {

		private final Context.CancellableContext context;

		DeadlineListener(ServerCall.Listener<ReqT> delegate, GuardedServerCall<ReqT, ?> call,
				Context.CancellableContext context) {
			super(delegate, call);
			this.context = context;
		}

		@Override
		public void onComplete() {
			try {
				super.onComplete();
			}
			finally {
				this.context.cancel(null);
			}
		}

		@Override
		public void onCancel() {
			try {
				super.onCancel();
			}
			finally {
				this.context.cancel(null);
			}
		}

	}

}
