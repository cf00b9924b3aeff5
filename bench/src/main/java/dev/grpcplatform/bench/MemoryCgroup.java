package dev.grpcplatform.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A memory cgroup with a limit, for the processes that should run as in a Kubernetes pod with that
 * memory limit: the JVM reads the limit of its cgroup and sizes its heap and picks its collector
 * from it as it does in a container (on this 24 GiB machine it would otherwise size itself from the
 * machine). Needs a cgroup hierarchy this process may write: cgroup v1's memory controller, or
 * cgroup v2 with the memory controller enabled for the children of this process's cgroup.
 */
final class MemoryCgroup implements AutoCloseable {

	private final Path directory;

	private MemoryCgroup(Path directory) {
		this.directory = directory;
	}

	/**
	 * Creates a cgroup below this process's own, limited to the given memory.
	 * @param name the cgroup's name (made unique with this process's id)
	 * @param limitBytes the memory limit
	 * @return the cgroup
	 * @throws IOException if no writable memory cgroup hierarchy is found or the cgroup cannot be made
	 */
	static MemoryCgroup create(String name, long limitBytes) throws IOException {
		Path own = ownMemoryCgroup();
		Path directory = own.resolve("grpc-platform-bench-" + ProcessHandle.current().pid() + "-" + name);
		boolean v2 = Files.exists(own.resolve("cgroup.controllers"));
		try {
			Files.createDirectories(directory);
			Files.writeString(directory.resolve(v2 ? "memory.max" : "memory.limit_in_bytes"), Long.toString(limitBytes));
		}
		catch (IOException ex) {
			throw new IOException("Cannot make a memory cgroup limited to " + limitBytes + " bytes in " + own
					+ " (it needs root and a writable cgroup hierarchy): " + ex, ex);
		}
		return new MemoryCgroup(directory);
	}

	/**
	 * The command that runs the given one inside this cgroup: a shell moves itself into the cgroup
	 * and replaces itself with the command, which keeps the shell's process id.
	 * @param command the command
	 * @return the wrapped command
	 */
	List<String> wrap(List<String> command) {
		List<String> wrapped = new ArrayList<>(
				List.of("/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", this.directory.resolve("cgroup.procs").toString()));
		wrapped.addAll(command);
		return wrapped;
	}

	Path directory() {
		return this.directory;
	}

	/**
	 * Removes the cgroup; its processes must have ended (the kernel may take a moment to let go of
	 * one that just exited).
	 */
	@Override
	public void close() throws IOException {
		for (int attempt = 0;; attempt++) {
			try {
				Files.deleteIfExists(this.directory);
				return;
			}
			catch (IOException ex) {
				if (attempt == 50) {
					throw ex;
				}
				LockSupport.parkNanos(100_000_000L);
			}
		}
	}

	// cgroup v1's memory hierarchy if there is one (a hybrid host mounts both), else the unified one.
	private static Path ownMemoryCgroup() throws IOException {
		String v1Path = null;
		String v2Path = null;
		for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
			String[] fields = line.split(":", 3);
			if (fields.length < 3) {
				continue;
			}
			if (fields[0].equals("0") && fields[1].isEmpty()) {
				v2Path = fields[2];
			}
			else if (List.of(fields[1].split(",")).contains("memory")) {
				v1Path = fields[2];
			}
		}
		for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
			// id parent major:minor root mount-point options [optional fields] - type source super-options
			String[] halves = line.split(" - ", 2);
			String[] fields = halves[0].split(" ");
			String[] after = (halves.length > 1) ? halves[1].split(" ") : new String[0];
			if (fields.length < 5 || after.length < 3) {
				continue;
			}
			String root = fields[3];
			Path mountPoint = Path.of(fields[4]);
			boolean v1Memory = after[0].equals("cgroup") && List.of(after[2].split(",")).contains("memory");
			boolean unified = after[0].equals("cgroup2");
			if (v1Memory && v1Path != null) {
				return below(mountPoint, root, v1Path);
			}
			if (unified && v1Path == null && v2Path != null) {
				Path own = below(mountPoint, root, v2Path);
				if (!Files.readString(own.resolve("cgroup.subtree_control")).contains("memory")) {
					throw new IOException("cgroup v2 at " + own + " does not enable the memory controller for its children");
				}
				return own;
			}
		}
		throw new IOException("No memory cgroup hierarchy is mounted (/proc/self/cgroup, /proc/self/mountinfo)");
	}

	private static Path below(Path mountPoint, String root, String path) {
		String relative = (path.startsWith(root)) ? path.substring(root.length()) : path;
		return mountPoint.resolve(relative.replaceFirst("^/+", ""));
	}

}
