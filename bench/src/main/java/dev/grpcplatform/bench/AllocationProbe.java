package dev.grpcplatform.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.management.ThreadMXBean;
import com.sun.tools.attach.VirtualMachine;

/**
 * Heap bytes a server JVM has allocated, read from outside: the harness attaches to the server (the
 * JDK's attach API starts its local management agent) and asks its {@link ThreadMXBean} for the
 * bytes each live thread has allocated (HotSpot's per-thread allocation counters, the same that JFR's
 * {@code jdk.ThreadAllocationStatistics} reports). The servers run no agent and no extra option.
 *
 * <p>The difference of two snapshots counts every thread alive at the second one (a thread started
 * in between from zero); a thread that ended in between loses what it allocated since the first,
 * which the servers' pools (fixed or kept for 60 s idle) make rare during a measured round.
 */
final class AllocationProbe implements AutoCloseable {

	private final JMXConnector connector;

	private final ThreadMXBean threads;

	private AllocationProbe(JMXConnector connector, ThreadMXBean threads) {
		this.connector = connector;
		this.threads = threads;
	}

	/**
	 * Connects to the JVM of the given process.
	 * @param pid the server's process id
	 * @return the probe
	 * @throws IOException if the JVM cannot be reached
	 */
	static AllocationProbe attach(long pid) throws IOException {
		String address;
		try {
			VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
			try {
				address = vm.startLocalManagementAgent();
			}
			finally {
				vm.detach();
			}
		}
		catch (com.sun.tools.attach.AttachNotSupportedException ex) {
			throw new IOException("Cannot attach to JVM " + pid + " to read its allocation", ex);
		}
		JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
		MBeanServerConnection connection = connector.getMBeanServerConnection();
		ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(connection, ManagementFactory.THREAD_MXBEAN_NAME,
				ThreadMXBean.class);
		if (!threads.isThreadAllocatedMemorySupported()) {
			connector.close();
			throw new IOException("JVM " + pid + " does not count allocated bytes per thread");
		}
		threads.setThreadAllocatedMemoryEnabled(true);
		return new AllocationProbe(connector, threads);
	}

	/**
	 * Returns the bytes each live thread of the server has allocated so far.
	 * @return bytes by thread id
	 */
	Map<Long, Long> snapshot() {
		long[] ids = this.threads.getAllThreadIds();
		long[] bytes = this.threads.getThreadAllocatedBytes(ids);
		Map<Long, Long> snapshot = new HashMap<>();
		for (int i = 0; i < ids.length; i++) {
			if (bytes[i] >= 0) {
				snapshot.put(ids[i], bytes[i]);
			}
		}
		return snapshot;
	}

	/**
	 * Returns the bytes allocated between two snapshots by the threads alive at the second.
	 * @param before the earlier snapshot
	 * @param after the later snapshot
	 * @return allocated bytes
	 */
	static long allocatedBetween(Map<Long, Long> before, Map<Long, Long> after) {
		long total = 0;
		for (Map.Entry<Long, Long> thread : after.entrySet()) {
			total += Math.max(0, thread.getValue() - before.getOrDefault(thread.getKey(), 0L));
		}
		return total;
	}

	@Override
	public void close() throws IOException {
		this.connector.close();
	}

}
