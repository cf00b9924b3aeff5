// Ends the processes the suite started, by their ids, and nothing else.
//
// Imported by platform.mjs for the ordinary stop (after() hooks), and run on its own as a detached
// watchdog (`node reaper.mjs --watchdog`): the test process tells it on standard input which
// processes it started and which it stopped; when that input ends without the test process having
// stopped them (it crashed, or was killed with SIGKILL), the watchdog stops what is left, so no
// service JVM, embedded PostgreSQL or Prometheus survives a failed run.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const POLL_MS = 100;

/** Whether a process with this id exists (and is not a zombie we could still reap). */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === 'EPERM';
  }
  try {
    // A zombie has exited; only its parent's wait() is missing.
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already.
  }
}

async function waitUntilGone(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) {
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return true;
}

/**
 * SIGTERM (a Spring Boot service then shuts down gracefully and stops its embedded PostgreSQL),
 * then SIGKILL after graceMs.
 * @returns {Promise<boolean>} whether SIGKILL was needed
 */
export async function terminate(pid, graceMs) {
  if (!isAlive(pid)) {
    return false;
  }
  signal(pid, 'SIGTERM');
  if (await waitUntilGone(pid, graceMs)) {
    return false;
  }
  signal(pid, 'SIGKILL');
  await waitUntilGone(pid, 5_000);
  return true;
}

/**
 * Stops the PostgreSQL server of an embedded data directory that outlived its JVM (only after a
 * SIGKILL): its id is the first line of postmaster.pid, and it is signalled only while its command
 * line still names that directory, so a reused id is never hit.
 */
export async function stopLeftoverPostgres(dataDirectory) {
  let pid;
  try {
    pid = Number.parseInt(readFileSync(path.join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0], 10);
  } catch {
    return;
  }
  let commandLine;
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !commandLine.includes(dataDirectory)) {
    return;
  }
  // SIGINT is PostgreSQL's "fast" shutdown.
  signal(pid, 'SIGINT');
  if (!(await waitUntilGone(pid, 10_000))) {
    signal(pid, 'SIGKILL');
  }
}

/**
 * Stops a process the suite started and, when it had to be killed, the PostgreSQL it leaves.
 * @param {{pid: number, postgresDataDirectory?: string}} entry
 */
export async function reap(entry, graceMs) {
  const killed = await terminate(entry.pid, graceMs);
  if (killed && entry.postgresDataDirectory) {
    await stopLeftoverPostgres(entry.postgresDataDirectory);
  }
}

async function watchdog() {
  // One JSON object per line: {"watch": {pid, postgresDataDirectory, workDirectory}} or {"unwatch": pid}.
  const watched = new Map();
  let buffer = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const message = JSON.parse(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      if (message.watch) {
        watched.set(message.watch.pid, message.watch);
      } else if (message.unwatch) {
        watched.delete(message.unwatch);
      }
    }
  }
  // The test process is gone: whatever it did not stop is an orphan now.
  await Promise.all([...watched.values()].map(async (entry) => {
    await reap(entry, 20_000);
    if (entry.workDirectory) {
      rmSync(entry.workDirectory, { recursive: true, force: true });
    }
  }));
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--watchdog') {
  await watchdog();
}
