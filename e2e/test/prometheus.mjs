// A real Prometheus (Debian package prometheus) scrapes both services' /actuator/prometheus every
// second; PromQL through its HTTP API must count exactly the calls this test makes. promtool checks
// the configuration and each service's exposition.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';

import { bidiStream, chatServiceClient, rejection, unary, userServiceClient } from '../lib/grpc.mjs';
import { promtool, startPrometheus, waitFor } from '../lib/platform.mjs';
import { mintToken } from '../lib/tokens.mjs';

const GET_USER = 'platform.user.v1.UserService/GetUser';
const CREATE_USER = 'platform.user.v1.UserService/CreateUser';
const CHAT = 'platform.chat.v1.ChatService/Chat';
const token = mintToken({ subject: 'e2e-prometheus', scopes: ['users:read', 'users:write', 'chat:write'] });

/** Sum of the samples of one metric whose labels include the given ones, in an exposition text. */
export function sampleSum(exposition, name, labels) {
  let sum = 0;
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match || match[1] !== name) {
      continue;
    }
    const present = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)]
      .map(([, key, value]) => [key, value]));
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) {
      sum += Number(match[3]);
    }
  }
  return sum;
}

export function prometheusTests(platform) {
  let prometheus;
  let users;
  let chats;
  const runId = Date.now().toString(36);

  before(async () => {
    prometheus = await startPrometheus([
      { job: 'user-service', address: platform.userService.managementAddress, metricsPath: '/actuator/prometheus' },
      { job: 'chat-service', address: platform.chatService.managementAddress, metricsPath: '/actuator/prometheus' },
    ]);
    users = userServiceClient(platform.userService.address);
    chats = chatServiceClient(platform.chatService.address);
  });

  after(async () => {
    users?.close();
    chats?.close();
    await prometheus?.stop();
  });

  /** {job, instance, value} of each series of an instant query. */
  const series = async (expression) => (await prometheus.query(expression))
    .map(({ metric, value }) => ({ job: metric.job, instance: metric.instance, value: Number(value[1]) }))
    .sort((a, b) => a.job.localeCompare(b.job));

  /**
   * Polls until the query returns exactly the expected series (bounded: scrapes are every second);
   * stops early once a value is above the expected one, since counters only grow.
   */
  const awaitSeries = async (expression, expected) => {
    let actual;
    const settled = () => isDeepStrictEqual(actual, expected) || actual.some((sample) => sample.value
      > (expected.find((candidate) => candidate.job === sample.job)?.value ?? Number.POSITIVE_INFINITY));
    try {
      await waitFor(`${expression} = ${JSON.stringify(expected)}`, async () => {
        actual = await series(expression);
        return settled();
      }, { timeoutMs: 30_000, intervalMs: 250 });
    } catch (error) {
      if (actual === undefined) {
        throw error;
      }
    }
    assert.deepEqual(actual, expected, expression);
  };

  it('promtool accepts the scrape configuration', async () => {
    const { code, stdout, stderr } = await promtool(['check', 'config', prometheus.configFile]);
    assert.equal(code, 0, stdout + stderr);
  });

  it('scrapes both management ports: up is 1 for each target', async () => {
    await awaitSeries('up', [
      { job: 'chat-service', instance: platform.chatService.managementAddress, value: 1 },
      { job: 'user-service', instance: platform.userService.managementAddress, value: 1 },
    ]);
  });

  it('PromQL counts exactly the calls this test made, per job and instance', async () => {
    const { response: { user } } = await unary(users, 'createUser', { name: 'Counted', email: `counted-${runId}@example.com` }, { token });
    const chatters = [];
    for (let i = 0; i < 3; i++) {
      chatters.push((await unary(users, 'createUser', { name: `Counted ${i}`, email: `counted-${runId}-${i}@example.com` }, { token })).response.user);
    }

    // The services' own counters before the calls (the suite makes no other calls meanwhile).
    const userBefore = await platform.userService.scrape();
    const chatBefore = await platform.chatService.scrape();
    const count = (exposition, name, labels) => sampleSum(exposition, name, labels);
    const getUserOk = count(userBefore, 'grpc_server_call_duration_seconds_count', { grpc_method: GET_USER, grpc_status: 'OK' });
    const alreadyExists = count(userBefore, 'grpc_server_call_duration_seconds_count', { grpc_method: CREATE_USER, grpc_status: 'ALREADY_EXISTS' });
    const chatOk = count(chatBefore, 'grpc_server_call_duration_seconds_count', { grpc_method: CHAT, grpc_status: 'OK' });
    const lookupsOk = count(chatBefore, 'grpc_client_call_duration_seconds_count', { grpc_method: GET_USER, grpc_status: 'OK' });

    const getUsers = 7;
    for (let i = 0; i < getUsers; i++) {
      await unary(users, 'getUser', { id: user.id }, { token });
    }
    for (let i = 0; i < 2; i++) {
      await rejection(unary(users, 'createUser', { name: 'Again', email: `counted-${runId}@example.com` }, { token }));
    }
    // Each chat member is a user chat-service has not seen: one GetUser lookup each, from chat-service.
    for (const member of chatters) {
      const stream = bidiStream(chats, 'chat', { token });
      stream.call.write({ join: { room_id: `counted-${runId}`, user_id: member.id } });
      assert.equal((await stream.next()).event, 'joined');
      stream.call.end();
      assert.equal((await stream.end()).code, 0);
    }

    const userJob = { job: 'user-service', instance: platform.userService.managementAddress };
    const chatJob = { job: 'chat-service', instance: platform.chatService.managementAddress };
    await awaitSeries(`sum by (job, instance) (grpc_server_call_duration_seconds_count{grpc_method="${GET_USER}",grpc_status="OK"})`,
      [{ ...userJob, value: getUserOk + getUsers + chatters.length }]);
    await awaitSeries(`sum by (job, instance) (grpc_server_call_duration_seconds_count{grpc_method="${CREATE_USER}",grpc_status="ALREADY_EXISTS"})`,
      [{ ...userJob, value: alreadyExists + 2 }]);
    await awaitSeries(`sum by (job, instance) (grpc_server_call_duration_seconds_count{grpc_method="${CHAT}",grpc_status="OK"})`,
      [{ ...chatJob, value: chatOk + chatters.length }]);
    await awaitSeries(`sum by (job, instance) (grpc_client_call_duration_seconds_count{grpc_method="${GET_USER}",grpc_status="OK"})`,
      [{ ...chatJob, value: lookupsOk + chatters.length }]);
    // The histogram is whole: its +Inf bucket holds every call of the count.
    await awaitSeries(`sum by (job, instance) (grpc_server_call_duration_seconds_bucket{grpc_method="${GET_USER}",grpc_status="OK",le="+Inf"})`,
      [{ ...userJob, value: getUserOk + getUsers + chatters.length }]);
  });

  it('promtool check metrics parses each exposition; the gRPC families are lint-clean', async () => {
    for (const service of [platform.userService, platform.chatService]) {
      const exposition = await service.scrape();
      // Exit code 3 means lint findings only, which Spring Boot's own JVM, process and Tomcat meters
      // have (names with units such as _ms, no help text); 1 would be a parse error.
      const all = await promtool(['check', 'metrics'], exposition);
      assert.ok([0, 3].includes(all.code), `${service.name}: promtool exit code ${all.code}: ${all.stdout}${all.stderr}`);
      const findings = `${all.stdout}${all.stderr}`.split('\n').filter(Boolean);
      assert.deepEqual(findings.filter((finding) => finding.startsWith('grpc_') || /error/i.test(finding)), [],
        `${service.name}: ${findings.join('\n')}`);

      const grpcFamilies = `${exposition.split('\n').filter((line) => /^(# (HELP|TYPE) )?grpc_/.test(line)).join('\n')}\n`;
      assert.match(grpcFamilies, /^grpc_server_call_duration_seconds_bucket\{/m);
      assert.match(grpcFamilies, /^grpc_server_call_started_total\{/m);
      const grpc = await promtool(['check', 'metrics'], grpcFamilies);
      assert.equal(grpc.code, 0, `${service.name}: ${grpc.stdout}${grpc.stderr}`);
      assert.equal(`${grpc.stdout}${grpc.stderr}`.trim(), '');
    }
  });
}
