// Starts and stops what the end-to-end tests run against: the real user-service and chat-service
// jars (java -jar, dev profile, free ports, a fresh embedded PostgreSQL) and a real Prometheus.
import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { reap } from './reaper.mjs';

const e2eDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repositoryDirectory = path.resolve(e2eDirectory, '..');

/**
 * The Spring Boot line of the jars under test ($E2E_LINE): boot4 (the default build, Spring Boot 4.1)
 * or boot3 (Spring Boot 3.5 with net.devh, the modules user-service/boot3 and chat-service/boot3).
 */
export const line = process.env.E2E_LINE ?? 'boot4';
if (line !== 'boot4' && line !== 'boot3') {
  throw new Error(`E2E_LINE=${line}: expected boot4 or boot3`);
}

/** Where logs and the Prometheus configuration of this line's run go. */
export const targetDirectory = path.join(e2eDirectory, 'target', line);

const STARTUP_TIMEOUT_MS = Number(process.env.E2E_STARTUP_TIMEOUT_SECONDS ?? 150) * 1000;
const STOP_GRACE_MS = 30_000;
const LOG_TAIL_LINES = 80;

/**
 * Polls check() until it returns a value other than undefined/false, at most timeoutMs.
 * @returns the value check() returned
 */
export async function waitFor(description, check, { timeoutMs = 30_000, intervalMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) {
        return value;
      }
      last = undefined;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}${last ? `: ${last.message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * The path of an executable on the PATH; fails (never skips) with what to install when missing.
 */
export function requireExecutable(name, hint) {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  throw new Error(`'${name}' is needed by the end-to-end tests and is not on the PATH: ${hint}`);
}

/**
 * The Chromium the browser tests drive: $E2E_CHROMIUM, else Debian's chromium on the PATH; fails
 * (never skips) with what to install.
 */
export function requireChromium() {
  if (process.env.E2E_CHROMIUM) {
    return process.env.E2E_CHROMIUM;
  }
  return requireExecutable('chromium', "install the Debian package 'chromium' (./platform test does)");
}

/** The java of $JAVA_HOME, else the one on the PATH. */
export function javaExecutable() {
  if (process.env.JAVA_HOME) {
    const java = path.join(process.env.JAVA_HOME, 'bin', 'java');
    if (existsSync(java)) {
      return java;
    }
  }
  return requireExecutable('java', 'install Java 17 or newer (Debian: openjdk-17-jdk-headless), or set JAVA_HOME');
}

function serviceJar(module) {
  const variable = `E2E_${module.toUpperCase().replace('-', '_')}_JAR`;
  if (process.env[variable]) {
    if (!existsSync(process.env[variable])) {
      throw new Error(`${variable}=${process.env[variable]} does not exist: build the services first (./mvnw install -DskipTests)`);
    }
    return process.env[variable];
  }
  const artifact = (line === 'boot3') ? `${module}-boot3` : module;
  const directory = path.join(repositoryDirectory, module, ...(line === 'boot3' ? ['boot3'] : []), 'target');
  const jar = existsSync(directory)
    ? readdirSync(directory).find((name) => name.startsWith(`${artifact}-`) && name.endsWith('.jar'))
    : undefined;
  if (!jar) {
    throw new Error(`${directory}/${artifact}-*.jar is missing: build the services first (./mvnw install -DskipTests), `
      + `or run the module through Maven (./mvnw -pl e2e -am verify)`);
  }
  return path.join(directory, jar);
}

/** The jars under test: $E2E_USER_SERVICE_JAR / $E2E_CHAT_SERVICE_JAR, else the modules' target/. */
export const jars = {
  get userService() {
    return serviceJar('user-service');
  },
  get chatService() {
    return serviceJar('chat-service');
  },
};

/** The contracts as the proto module publishes them: a FileDescriptorSet with imports. */
export function descriptorSetPath() {
  const file = process.env.E2E_DESCRIPTOR_SET ?? path.join(repositoryDirectory, 'proto', 'target', 'grpc-platform-proto.binpb');
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: build the proto module first (./mvnw install -DskipTests)`);
  }
  return file;
}

/** Distinct free loopback ports (all held open until every one is picked, so none repeats). */
export async function freePorts(count) {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  })));
  const ports = servers.map((server) => server.address().port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

// One detached watchdog per test process: it outlives a crash or SIGKILL of this process and then
// stops whatever this process started and had not stopped (see reaper.mjs).
let watchdog;
const running = new Set();

function watchdogInput() {
  if (!watchdog) {
    watchdog = spawn(process.execPath, [path.join(e2eDirectory, 'lib', 'reaper.mjs'), '--watchdog'], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    });
    watchdog.unref();
    watchdog.stdin.unref();
    watchdog.stdin.on('error', () => {});
    // A normal exit (or Ctrl+C) cannot wait for graceful shutdowns: send SIGTERM at least; the
    // watchdog escalates to SIGKILL for processes that do not end.
    process.once('exit', () => {
      for (const managed of running) {
        try {
          process.kill(managed.pid, 'SIGTERM');
        } catch {
          // Gone already.
        }
      }
    });
    for (const name of ['SIGINT', 'SIGTERM']) {
      process.once(name, () => {
        Promise.allSettled([...running].map((managed) => managed.stop()))
          .finally(() => process.exit(128 + os.constants.signals[name]));
      });
    }
  }
  return watchdog.stdin;
}

/**
 * A process of the suite with its output in a log file under target/.
 */
export class ManagedProcess {
  /**
   * @param {{postgresDataDirectory?: string, workDirectory?: string}} options the data directory of
   *   an embedded PostgreSQL the process starts; a directory of the process that the watchdog
   *   removes if the test process dies without stopping it
   */
  constructor(name, command, args, { postgresDataDirectory, workDirectory } = {}) {
    this.name = name;
    this.command = command;
    this.args = args;
    this.logFile = path.join(targetDirectory, `${name}.log`);
    this.postgresDataDirectory = postgresDataDirectory;
    this.workDirectory = workDirectory;
  }

  start() {
    mkdirSync(path.dirname(this.logFile), { recursive: true });
    const log = openSync(this.logFile, 'w');
    try {
      this.child = spawn(this.command, this.args, { stdio: ['ignore', log, log] });
    } finally {
      closeSync(log);
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
      this.child.once('error', (error) => resolve({ code: null, signal: null, error }));
    });
    this.pid = this.child.pid;
    if (this.pid) {
      running.add(this);
      const { pid, postgresDataDirectory, workDirectory } = this;
      watchdogInput().write(`${JSON.stringify({ watch: { pid, postgresDataDirectory, workDirectory } })}\n`);
    }
    return this;
  }

  get isRunning() {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null && this.pid !== undefined;
  }

  /** SIGTERM, SIGKILL after the grace period; also stops a PostgreSQL left behind by a SIGKILL. */
  async stop(graceMs = STOP_GRACE_MS) {
    if (!this.child || !this.pid) {
      return;
    }
    if (this.isRunning) {
      await reap({ pid: this.pid, postgresDataDirectory: this.postgresDataDirectory }, graceMs);
    }
    await this.exited;
    running.delete(this);
    watchdog?.stdin.write(`${JSON.stringify({ unwatch: this.pid })}\n`);
  }

  /** The last lines of the log, for failure messages. */
  tail(lines = LOG_TAIL_LINES) {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch (error) {
      return `(no log: ${error.message})`;
    }
  }

  /** Waits until ready() holds, failing early with the log's tail if the process ends. */
  async awaitReady(description, ready, timeoutMs = STARTUP_TIMEOUT_MS) {
    const deadline = Date.now() + timeoutMs;
    let lastError;
    while (Date.now() < deadline) {
      if (!this.isRunning) {
        const { code, signal, error } = await this.exited;
        throw new Error(`${this.name} ended before it was ready (${error ? error.message : `exit code ${code}, signal ${signal}`}); `
          + `last lines of ${this.logFile}:\n${this.tail()}`);
      }
      try {
        if (await ready()) {
          return;
        }
        lastError = undefined;
      } catch (error) {
        lastError = error;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`${this.name} was not ${description} within ${timeoutMs / 1000} s`
      + `${lastError ? ` (last attempt: ${lastError.cause?.code ?? lastError.message})` : ''}; last lines of ${this.logFile}:\n${this.tail()}`);
  }
}

async function httpStatus(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.arrayBuffer();
  return response.status;
}

/** GETs a text resource, failing on any status other than 200. */
export async function fetchText(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return text;
}

/**
 * A service jar run with java -jar under the dev profile, gRPC, the application's HTTP port (JSON,
 * gRPC-Web, the chat page) and Actuator on free loopback ports.
 */
class ServiceProcess extends ManagedProcess {
  constructor(name, jar, { grpcPort, httpPort, managementPort, properties = [], postgresDataDirectory, workDirectory }) {
    super(name, javaExecutable(), [
      // Startup speed over peak throughput: the suite makes a few hundred calls.
      '-XX:TieredStopAtLevel=1',
      '-jar', jar,
      '--spring.profiles.active=dev',
      // The gRPC server in the keys of both lines: Spring Boot 4.1's and net.devh's (Spring Boot 3.5).
      `--spring.grpc.server.port=${grpcPort}`,
      '--spring.grpc.server.address=127.0.0.1',
      `--grpc.server.port=${grpcPort}`,
      '--grpc.server.address=127.0.0.1',
      `--server.port=${httpPort}`,
      '--server.address=127.0.0.1',
      `--management.server.port=${managementPort}`,
      '--management.server.address=127.0.0.1',
      '--spring.main.banner-mode=off',
      ...properties,
    ], { postgresDataDirectory, workDirectory });
    this.grpcPort = grpcPort;
    this.managementPort = managementPort;
    /** host:port of the gRPC server. */
    this.address = `127.0.0.1:${grpcPort}`;
    /** host:port of the management (Actuator) server, as Prometheus scrapes it. */
    this.managementAddress = `127.0.0.1:${managementPort}`;
    this.managementUrl = `http://${this.managementAddress}`;
    /** The application's HTTP port: JSON transcoding, gRPC-Web and the chat page. */
    this.httpUrl = `http://127.0.0.1:${httpPort}`;
  }

  /** Actuator readiness answers 200: the gRPC server is up and gRPC health is SERVING. */
  awaitServing() {
    return this.awaitReady('ready (/actuator/health/readiness 200)',
      async () => (await httpStatus(`${this.managementUrl}/actuator/health/readiness`)) === 200);
  }

  /** The Prometheus exposition of the service. */
  scrape() {
    return fetchText(`${this.managementUrl}/actuator/prometheus`);
  }
}

/**
 * Starts user-service (on a fresh embedded PostgreSQL) and chat-service (pointed at it) in
 * parallel and waits until both are ready.
 * @returns {Promise<{userService: ServiceProcess, chatService: ServiceProcess, stop: () => Promise<void>}>}
 */
export async function startServices() {
  javaExecutable();
  const userJar = jars.userService;
  const chatJar = jars.chatService;
  const [userGrpc, userManagement, chatGrpc, chatManagement, userHttp, chatHttp] = await freePorts(6);
  const workDirectory = mkdtempSync(path.join(os.tmpdir(), 'grpc-platform-e2e-'));
  const postgresDataDirectory = path.join(workDirectory, 'user-service-pg');
  const userService = new ServiceProcess('user-service', userJar, {
    grpcPort: userGrpc,
    httpPort: userHttp,
    managementPort: userManagement,
    postgresDataDirectory,
    workDirectory,
    properties: [`--user-service.embedded-postgres.data-directory=${postgresDataDirectory}`],
  });
  const chatService = new ServiceProcess('chat-service', chatJar, {
    grpcPort: chatGrpc,
    httpPort: chatHttp,
    managementPort: chatManagement,
    properties: [
      `--spring.grpc.client.channel.user-service.target=static://${userService.address}`,
      `--grpc.client.user-service.address=static://${userService.address}`,
    ],
  });
  const stop = async () => {
    await Promise.all([chatService.stop(), userService.stop()]);
    rmSync(workDirectory, { recursive: true, force: true });
  };
  try {
    userService.start();
    chatService.start();
    await Promise.all([userService.awaitServing(), chatService.awaitServing()]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { userService, chatService, stop };
}

/**
 * Starts a real Prometheus (Debian package prometheus) that scrapes the given jobs every second.
 * @param {{job: string, address: string, metricsPath: string}[]} targets
 */
export async function startPrometheus(targets) {
  const executable = requireExecutable('prometheus', "install the Debian package 'prometheus' (.ci/run does)");
  const [port] = await freePorts(1);
  const workDirectory = mkdtempSync(path.join(os.tmpdir(), 'grpc-platform-e2e-prometheus-'));
  const configFile = path.join(targetDirectory, 'prometheus.yml');
  mkdirSync(targetDirectory, { recursive: true });
  writeFileSync(configFile, [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    ...targets.flatMap(({ job, address, metricsPath }) => [
      `  - job_name: ${job}`,
      `    metrics_path: ${metricsPath}`,
      '    static_configs:',
      `      - targets: ['${address}']`,
    ]),
    '',
  ].join('\n'));
  const prometheus = new ManagedProcess('prometheus', executable, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${path.join(workDirectory, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ], { workDirectory });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await prometheus.stop(10_000);
    rmSync(workDirectory, { recursive: true, force: true });
  };
  try {
    prometheus.start();
    await prometheus.awaitReady('ready (/-/ready 200)', async () => (await httpStatus(`${url}/-/ready`)) === 200, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    configFile,
    stop,
    /** Runs an instant PromQL query through the HTTP API and returns data.result. */
    async query(expression) {
      const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expression })}`,
        { signal: AbortSignal.timeout(10_000) });
      const body = await response.json();
      if (body.status !== 'success') {
        throw new Error(`query ${expression} failed: ${JSON.stringify(body)}`);
      }
      return body.data.result;
    },
  };
}

/**
 * Runs a command to its end, feeding input to its standard input.
 * @returns {Promise<{code: number, stdout: string, stderr: string}>}
 */
export function run(command, args, { input, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not end within ${timeoutMs} ms; output so far:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/** Runs promtool (Debian package prometheus) with the given arguments and standard input. */
export function promtool(args, input) {
  const executable = requireExecutable('promtool', "install the Debian package 'prometheus' (.ci/run does)");
  return run(executable, args, { input });
}

/** Runs the pinned buf CLI (npm @bufbuild/buf) of this package. */
export function buf(args, input) {
  const executable = path.join(e2eDirectory, 'node_modules', '.bin', 'buf');
  if (!existsSync(executable)) {
    throw new Error(`${executable} is missing: run npm ci in ${e2eDirectory}`);
  }
  return run(executable, args, { input });
}
