// buf curl (npm @bufbuild/buf): a Go gRPC client that knows nothing of the contracts but what the
// services' server reflection tells it.
import assert from 'node:assert/strict';
import { before, it } from 'node:test';

import { buf } from '../lib/platform.mjs';
import { decodeDetail } from '../lib/rpc-status.mjs';
import { mintTokenWithJar } from '../lib/tokens.mjs';

// buf curl exits with 8 times the number of the status code of a failed call.
const exitCodeOf = (codeNumber) => codeNumber * 8;

/** Splits buf curl's output (one pretty-printed JSON document per message) into values. */
export function parseJsonDocuments(text) {
  const documents = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const character = text[i];
    if (inString) {
      if (character === '\\') {
        i++;
      } else if (character === '"') {
        inString = false;
      }
    } else if (character === '"') {
      inString = true;
    } else if (character === '{') {
      if (depth++ === 0) {
        start = i;
      }
    } else if (character === '}' && --depth === 0) {
      documents.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return documents;
}

/** The error buf curl prints on standard error, with its details decoded. */
function bufError(stderr) {
  const [error] = parseJsonDocuments(stderr);
  assert.ok(error, `buf curl printed no error document: ${stderr}`);
  return {
    ...error,
    details: (error.details ?? []).map((detail) => decodeDetail(detail.type, Buffer.from(detail.value, 'base64'))),
  };
}

export function bufCurlTests(platform) {
  const user = () => platform.userService;
  const chat = () => platform.chatService;
  let token;
  const runId = Date.now().toString(36);

  const curl = (address, path, { auth = true, data, input, extra = [] } = {}) => buf([
    'curl', '--protocol', 'grpc', '--http2-prior-knowledge', '--timeout', '30s',
    ...(auth ? ['-H', `Authorization: Bearer ${token}`] : []),
    ...(data !== undefined ? ['-d', data] : []),
    ...extra,
    `http://${address}${path}`,
  ], input);

  const ok = (result) => {
    assert.equal(result.code, 0, `buf curl failed (exit code ${result.code}): ${result.stderr}`);
    return result;
  };

  before(async () => {
    // The token as the README makes it: the jar's own DevelopmentTokens command line.
    token = await mintTokenWithJar('buf-curl', 'users:read', 'users:write', 'chat:write');
  });

  for (const [name, service, contract] of [
    ['user-service', user, 'platform.user.v1.UserService'],
    ['chat-service', chat, 'platform.chat.v1.ChatService'],
  ]) {
    it(`lists every service of ${name} through reflection, without a token`, async () => {
      const { stdout } = ok(await curl(service().address, '', { auth: false, extra: ['--list-services'] }));
      assert.deepEqual(stdout.trim().split('\n'), [
        'grpc.health.v1.Health',
        'grpc.reflection.v1.ServerReflection',
        'grpc.reflection.v1alpha.ServerReflection',
        contract,
      ]);
    });
  }

  it('lists the methods of the contracts through reflection', async () => {
    const users = ok(await curl(user().address, '', { auth: false, extra: ['--list-methods'] })).stdout.trim().split('\n');
    for (const method of ['CreateUser', 'GetUser', 'ImportUsers', 'ListUsers']) {
      assert.ok(users.includes(`platform.user.v1.UserService/${method}`), `${method} missing from ${users}`);
    }
    assert.ok(users.includes('grpc.health.v1.Health/Check'));
    const chats = ok(await curl(chat().address, '', { auth: false, extra: ['--list-methods'] })).stdout.trim().split('\n');
    assert.ok(chats.includes('platform.chat.v1.ChatService/Chat'), `Chat missing from ${chats}`);
  });

  it('creates and reads a user with a token, every field of User described by reflection', async () => {
    const email = `buf-${runId}@example.com`;
    const created = parseJsonDocuments(ok(await curl(user().address, '/platform.user.v1.UserService/CreateUser', {
      data: JSON.stringify({ name: 'Buf Curl', email, roles: ['tester'], phone: '+4915112345678', metadata: { team: 'e2e' } }),
    })).stdout);
    assert.equal(created.length, 1);
    const { user: stored } = created[0];
    assert.match(stored.id, /^[1-9][0-9]*$/, 'int64 ids are JSON strings');
    assert.equal(stored.name, 'Buf Curl');
    assert.equal(stored.email, email);
    assert.equal(stored.status, 'USER_STATUS_ACTIVE');
    assert.deepEqual(stored.roles, ['tester']);
    assert.equal(stored.phone, '+4915112345678');
    assert.deepEqual(stored.metadata, { team: 'e2e' });
    assert.ok(!Number.isNaN(Date.parse(stored.createdAt)), `createdAt ${stored.createdAt}`);

    // --emit-defaults prints every field that the reflected descriptor of User declares.
    const [read] = parseJsonDocuments(ok(await curl(user().address, '/platform.user.v1.UserService/GetUser', {
      data: JSON.stringify({ id: stored.id }),
      extra: ['--emit-defaults'],
    })).stdout);
    assert.deepEqual(Object.keys(read.user).sort(),
      ['createdAt', 'email', 'id', 'metadata', 'name', 'phone', 'roles', 'status']);
    assert.deepEqual(read.user, stored);
  });

  it('is refused without a token: exit code and "unauthenticated" with an ErrorInfo', async () => {
    const result = await curl(user().address, '/platform.user.v1.UserService/GetUser', { auth: false, data: '{"id":1}' });
    assert.equal(result.code, exitCodeOf(16), `exit code, stderr: ${result.stderr}`);
    assert.equal(result.stdout, '');
    const error = bufError(result.stderr);
    assert.equal(error.code, 'unauthenticated');
    assert.equal(error.message, 'Authentication required');
    assert.deepEqual(error.details, [
      { type: 'google.rpc.ErrorInfo', reason: 'CREDENTIALS_MISSING', domain: 'user-service', metadata: {} },
    ]);
  });

  it('gets not_found for an unknown id', async () => {
    const result = await curl(user().address, '/platform.user.v1.UserService/GetUser', { data: '{"id":"987654321"}' });
    assert.equal(result.code, exitCodeOf(5), result.stderr);
    const error = bufError(result.stderr);
    assert.equal(error.code, 'not_found');
    assert.equal(error.message, 'user 987654321 not found');
  });

  it('gets invalid_argument with a BadRequest for a bad email', async () => {
    const result = await curl(user().address, '/platform.user.v1.UserService/CreateUser',
      { data: JSON.stringify({ name: 'Bad', email: 'not-an-email' }) });
    assert.equal(result.code, exitCodeOf(3), result.stderr);
    const error = bufError(result.stderr);
    assert.equal(error.code, 'invalid_argument');
    const badRequest = error.details.find((detail) => detail.type === 'google.rpc.BadRequest');
    assert.deepEqual(badRequest.field_violations.map((violation) => violation.field), ['email']);
  });

  it('checks health without a token', async () => {
    for (const [service, name] of [[user(), 'platform.user.v1.UserService'], [chat(), 'platform.chat.v1.ChatService']]) {
      for (const data of ['{}', JSON.stringify({ service: name })]) {
        const [response] = parseJsonDocuments(ok(await curl(service.address, '/grpc.health.v1.Health/Check', { auth: false, data })).stdout);
        assert.deepEqual(response, { status: 'SERVING' }, `${service.name} ${data}`);
      }
    }
  });

  it('chats over a bidirectional stream fed from standard input', async () => {
    const email = `buf-chat-${runId}@example.com`;
    const [{ user: member }] = parseJsonDocuments(ok(await curl(user().address, '/platform.user.v1.UserService/CreateUser',
      { data: JSON.stringify({ name: 'Buf Chatter', email }) })).stdout);
    const room = `buf-${runId}`;
    const input = [
      JSON.stringify({ join: { room_id: room, user_id: member.id } }),
      JSON.stringify({ send: { text: 'hello from buf', client_message_id: 'b1' } }),
    ].join('\n');
    // Standard input ends after the two requests: the stream half-closes, the member leaves and
    // the call ends with OK once the events queued for it are sent.
    const { stdout } = ok(await curl(chat().address, '/platform.chat.v1.ChatService/Chat', { data: '@-', input }));
    const [joined, message, ...rest] = parseJsonDocuments(stdout);
    assert.deepEqual(joined, { joined: { roomId: room, members: [{ userId: member.id, name: 'Buf Chatter' }] } });
    assert.equal(message.message.text, 'hello from buf');
    assert.equal(message.message.clientMessageId, 'b1');
    assert.equal(message.message.roomId, room);
    assert.deepEqual(message.message.sender, { userId: member.id, name: 'Buf Chatter' });
    assert.match(message.message.messageId, /^[0-9A-HJKMNP-TV-Z]{26}$/, 'a ULID');
    assert.deepEqual(rest, []);
  });
}
