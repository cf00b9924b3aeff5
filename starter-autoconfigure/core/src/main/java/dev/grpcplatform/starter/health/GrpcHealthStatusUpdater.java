package dev.grpcplatform.starter.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.grpcplatform.starter.internal.GrpcServerLifecycleListener;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;

/**
 * Keeps the statuses of a {@link HealthStatusManager} in line with {@link GrpcHealthProbes}.
 *
 * <p>The overall status {@code ""}, one entry per service of every started gRPC server and the
 * readiness entry follow readiness; the liveness entry follows liveness. The probes are evaluated
 * on one daemon thread: periodically, and at once on every {@link AvailabilityChangeEvent}. An
 * event that takes the application out of service ({@link ReadinessState#REFUSING_TRAFFIC},
 * {@link LivenessState#BROKEN}) is applied before the event's publisher continues and holds until
 * an event reverses it, whatever the probes say. When the application context starts closing,
 * every entry turns {@code NOT_SERVING} for good, so that clients and load balancers stop sending
 * calls before the server stops accepting them.
 */
public class GrpcHealthStatusUpdater implements GrpcServerLifecycleListener, SmartApplicationListener, ApplicationContextAware, DisposableBean {

	private static final Log logger = LogFactory.getLog(GrpcHealthStatusUpdater.class);

	private final HealthStatusManager manager;

	private final GrpcHealthProbes probes;

	private final Duration refreshInterval;

	private final String readinessServiceName;

	private final String livenessServiceName;

	private final Object monitor = new Object();

	private final Set<String> serviceNames = new LinkedHashSet<>();

	private ScheduledExecutorService scheduler;

	private boolean terminal;

	/**
	 * Whether the last readiness event refused traffic; holds readiness down even against a
	 * refresh that was evaluated before the event.
	 */
	private boolean refusingTraffic;

	/**
	 * Whether the last liveness event reported the application broken.
	 */
	private boolean broken;

	private ServingStatus readiness = ServingStatus.NOT_SERVING;

	private ServingStatus liveness = ServingStatus.NOT_SERVING;

	private ApplicationContext applicationContext;

	public GrpcHealthStatusUpdater(HealthStatusManager manager, GrpcHealthProbes probes, Duration refreshInterval,
			String readinessServiceName, String livenessServiceName) {
		Assert.isTrue(!readinessServiceName.equals(livenessServiceName),
				() -> "Readiness and liveness need different service names, both are '" + readinessServiceName + "'");
		this.manager = manager;
		this.probes = probes;
		this.refreshInterval = refreshInterval;
		this.readinessServiceName = readinessServiceName;
		this.livenessServiceName = livenessServiceName;
		// HealthStatusManager starts with "" SERVING; nothing is ready before the probes say so.
		manager.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
		manager.setStatus(readinessServiceName, ServingStatus.NOT_SERVING);
		manager.setStatus(livenessServiceName, ServingStatus.NOT_SERVING);
	}

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) {
		this.applicationContext = applicationContext;
	}

	/**
	 * Adds an entry for every service of a started server and starts following the probes.
	 * @param server the started server
	 */
	public void registerServer(Server server) {
		serverStarted(server);
	}

	@Override
	public void serverStarted(Server server) {
		List<String> names = new ArrayList<>();
		for (ServerServiceDefinition service : server.getServices()) {
			names.add(service.getServiceDescriptor().getName());
		}
		synchronized (this.monitor) {
			if (this.terminal) {
				return;
			}
			for (String name : names) {
				if (this.serviceNames.add(name)) {
					this.manager.setStatus(name, this.readiness);
				}
			}
			if (this.scheduler == null) {
				this.scheduler = createScheduler();
				this.scheduler.scheduleWithFixedDelay(this::refresh, 0, this.refreshInterval.toMillis(),
						TimeUnit.MILLISECONDS);
				return;
			}
		}
		requestRefresh();
	}

	private static ScheduledExecutorService createScheduler() {
		CustomizableThreadFactory threadFactory = new CustomizableThreadFactory("grpc-health-");
		threadFactory.setDaemon(true);
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, threadFactory);
		executor.setRemoveOnCancelPolicy(true);
		return executor;
	}

	/**
	 * Evaluates the probes and applies the result, unless the application is shutting down.
	 */
	public void refresh() {
		synchronized (this.monitor) {
			if (this.terminal) {
				return;
			}
		}
		ServingStatus newReadiness = evaluate("readiness", this.probes::isReady);
		ServingStatus newLiveness = evaluate("liveness", this.probes::isLive);
		synchronized (this.monitor) {
			if (this.terminal) {
				return;
			}
			applyReadiness(this.refusingTraffic ? ServingStatus.NOT_SERVING : newReadiness);
			applyLiveness(this.broken ? ServingStatus.NOT_SERVING : newLiveness);
		}
	}

	private static ServingStatus evaluate(String probe, BooleanSupplier check) {
		try {
			return check.getAsBoolean() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
		}
		catch (RuntimeException ex) {
			logger.warn("Could not evaluate " + probe + ", reporting NOT_SERVING", ex);
			return ServingStatus.NOT_SERVING;
		}
	}

	private void applyReadiness(ServingStatus status) {
		if (status != this.readiness) {
			logger.info("gRPC health: readiness is now " + status);
			this.readiness = status;
		}
		this.manager.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
		this.manager.setStatus(this.readinessServiceName, status);
		for (String name : this.serviceNames) {
			this.manager.setStatus(name, status);
		}
	}

	private void applyLiveness(ServingStatus status) {
		if (status != this.liveness) {
			logger.info("gRPC health: liveness is now " + status);
			this.liveness = status;
		}
		this.manager.setStatus(this.livenessServiceName, status);
	}

	private void requestRefresh() {
		synchronized (this.monitor) {
			if (!this.terminal && this.scheduler != null) {
				this.scheduler.execute(this::refresh);
			}
		}
	}

	/**
	 * Turns every entry {@code NOT_SERVING} for good and stops following the probes.
	 */
	public void enterTerminalState() {
		synchronized (this.monitor) {
			if (this.terminal) {
				return;
			}
			this.terminal = true;
			this.readiness = ServingStatus.NOT_SERVING;
			this.liveness = ServingStatus.NOT_SERVING;
			// Tells open Watch streams at once.
			this.manager.enterTerminalState();
			stopScheduler();
		}
		logger.info("gRPC health: NOT_SERVING, the application is shutting down");
	}

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return AvailabilityChangeEvent.class.isAssignableFrom(eventType)
				|| ContextClosedEvent.class.isAssignableFrom(eventType);
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof ContextClosedEvent closed) {
			// A child context closing (events propagate to the parent) does not stop this server.
			if (closed.getApplicationContext() == this.applicationContext) {
				enterTerminalState();
			}
		}
		else if (event instanceof AvailabilityChangeEvent<?> change) {
			onAvailabilityChange(change);
		}
	}

	private void onAvailabilityChange(AvailabilityChangeEvent<?> change) {
		Object state = change.getState();
		synchronized (this.monitor) {
			if (this.terminal) {
				return;
			}
			if (state instanceof ReadinessState) {
				this.refusingTraffic = (state == ReadinessState.REFUSING_TRAFFIC);
				if (this.refusingTraffic) {
					applyReadiness(ServingStatus.NOT_SERVING);
				}
			}
			else if (state instanceof LivenessState) {
				this.broken = (state == LivenessState.BROKEN);
				if (this.broken) {
					applyLiveness(ServingStatus.NOT_SERVING);
				}
			}
		}
		// The way back up is evaluated on the refresh thread, so that slow health indicators do not
		// hold up the publisher. By then ApplicationAvailabilityBean, a listener created (and so
		// called) before this one, has recorded the new state; the periodic refresh settles any
		// exception.
		requestRefresh();
	}

	@Override
	public void destroy() {
		synchronized (this.monitor) {
			stopScheduler();
		}
	}

	private void stopScheduler() {
		if (this.scheduler != null) {
			// No interrupt: a check running now (a database ping, say) would log a broken
			// connection; its result is ignored in the terminal state, and the thread is a daemon.
			this.scheduler.shutdown();
			this.scheduler = null;
		}
	}

}
