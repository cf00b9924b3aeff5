// @grpc/grpc-js: Node's gRPC implementation (no grpc-java, no Netty on the client side) with the
// contracts loaded from the proto module's descriptor set.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import {
  bidiStream, callMetadata, chatServiceClient, clientStream, Code, rejection, serverStream, unary, userServiceClient, withTimeout,
} from '../lib/grpc.mjs';
import { waitFor } from '../lib/platform.mjs';
import { statusDetails } from '../lib/rpc-status.mjs';
import { mintToken } from '../lib/tokens.mjs';

const runId = Date.now().toString(36);
let emails = 0;
/** A unique email of this run. */
const email = (label) => `${label}-${runId}-${++emails}@example.com`;

const writer = mintToken({ subject: 'e2e-writer', scopes: ['users:read', 'users:write'] });
const reader = mintToken({ subject: 'e2e-reader', scopes: ['users:read'] });
const chatter = mintToken({ subject: 'e2e-chatter', scopes: ['chat:write', 'users:read'] });

/** The ErrorInfo and BadRequest of a failed call's grpc-status-details-bin, checked against the status. */
function richStatus(error) {
  const status = statusDetails(error);
  assert.equal(status.code, error.code, 'google.rpc.Status code is the call status');
  assert.equal(status.message, error.details, 'google.rpc.Status message is the call message');
  return {
    errorInfo: status.details.find((detail) => detail.type === 'google.rpc.ErrorInfo'),
    badRequest: status.details.find((detail) => detail.type === 'google.rpc.BadRequest'),
  };
}

function assertStatus(error, code, message) {
  assert.equal(Code[error.code], Code[code], `status code (message: ${error.details})`);
  if (message !== undefined) {
    assert.equal(error.details, message);
  }
}

export function grpcJsTests(platform) {
  let users;
  let chats;
  /** Two chat members, users of this run. */
  let ada;
  let bob;

  const createUser = async (name, label = 'user') => {
    const { response } = await unary(users, 'createUser', { name, email: email(label) }, { token: writer });
    return response.user;
  };

  before(async () => {
    users = userServiceClient(platform.userService.address);
    chats = chatServiceClient(platform.chatService.address);
    ada = await createUser('Ada');
    bob = await createUser('Bob');
  });

  after(() => {
    users?.close();
    chats?.close();
  });

  /** A member's chat stream that has sent its join. */
  const join = (room, user_id, options = {}) => {
    const member = bidiStream(chats, 'chat', { token: chatter, ...options });
    member.call.write({ join: { room_id: room, user_id } });
    return member;
  };

  /** The next event of a member that stays is Bob leaving; then it leaves too, with OK. */
  const assertBobLeft = async (stays) => {
    const departure = await stays.next();
    assert.equal(departure.event, 'member_left');
    assert.deepEqual(departure.member_left.member, { user_id: bob.id, name: 'Bob' });
    stays.call.end();
    assert.equal(Code[(await stays.end()).code], 'OK');
  };

  describe('unary calls', () => {
    it('CreateUser stores a user that GetUser returns', async () => {
      const request = {
        name: 'Ada Lovelace',
        email: email('ada'),
        roles: ['admin', 'math'],
        phone: '+441234567890',
        // proto-loader builds types from a descriptor set without map support: a map field is what
        // it is on the wire, a repeated entry message.
        metadata: [{ key: 'born.year', value: '1815' }],
      };
      const { response: created } = await unary(users, 'createUser', request, { token: writer });
      assert.match(created.user.id, /^[1-9][0-9]*$/);
      assert.equal(created.user.name, request.name);
      assert.equal(created.user.email, request.email);
      assert.equal(created.user.status, 'USER_STATUS_ACTIVE');
      assert.deepEqual(created.user.roles, request.roles);
      assert.equal(created.user.phone, request.phone);
      assert.deepEqual(created.user.metadata, request.metadata);
      const created_at = Number(created.user.created_at.seconds) * 1000;
      assert.ok(Math.abs(created_at - Date.now()) < 5 * 60_000, `created_at ${JSON.stringify(created.user.created_at)} is now`);

      const { response: read } = await unary(users, 'getUser', { id: created.user.id }, { token: reader });
      assert.deepEqual(read.user, created.user);
    });

    it('GetUser of an unknown id is NOT_FOUND with an ErrorInfo naming the id', async () => {
      const error = await rejection(unary(users, 'getUser', { id: '999999999' }, { token: reader }));
      assertStatus(error, Code.NOT_FOUND, 'user 999999999 not found');
      const { errorInfo } = richStatus(error);
      assert.deepEqual(errorInfo, {
        type: 'google.rpc.ErrorInfo', reason: 'USER_NOT_FOUND', domain: 'user-service', metadata: { id: '999999999' },
      });
    });

    it('CreateUser with an email taken in another case is ALREADY_EXISTS', async () => {
      const address = email('twice');
      await unary(users, 'createUser', { name: 'First', email: address }, { token: writer });
      const error = await rejection(unary(users, 'createUser', { name: 'Second', email: address.toUpperCase() }, { token: writer }));
      assertStatus(error, Code.ALREADY_EXISTS, 'resource already exists');
      assert.equal(richStatus(error).errorInfo.domain, 'user-service');
    });

    it('an invalid CreateUser is INVALID_ARGUMENT with one BadRequest field violation per bad field', async () => {
      const error = await rejection(unary(users, 'createUser', {
        name: '',
        email: 'not-an-email',
        roles: ['ok', 'Not Valid'],
        metadata: [{ key: 'Bad Key', value: 'v' }],
      }, { token: writer }));
      assertStatus(error, Code.INVALID_ARGUMENT);
      assert.match(error.details, /^invalid request: /);
      const { errorInfo, badRequest } = richStatus(error);
      assert.equal(errorInfo.reason, 'INVALID_ARGUMENT');
      assert.equal(errorInfo.domain, 'user-service');
      const violations = Object.fromEntries(badRequest.field_violations.map((violation) => [violation.field, violation.description]));
      assert.deepEqual(Object.keys(violations).sort(), ['email', 'metadata["Bad Key"]', 'name', 'roles[1]']);
      assert.match(violations.email, /email/);
      assert.match(violations.name, /at least 1 character/);
      for (const [field, description] of Object.entries(violations)) {
        assert.ok(error.details.includes(`${field}: ${description}`), `message names ${field}: ${error.details}`);
      }
    });

    it('GetUser with id 0 is INVALID_ARGUMENT naming the field id', async () => {
      const error = await rejection(unary(users, 'getUser', { id: '0' }, { token: reader }));
      assertStatus(error, Code.INVALID_ARGUMENT);
      assert.deepEqual(richStatus(error).badRequest.field_violations.map((violation) => violation.field), ['id']);
    });
  });

  describe('server streaming: ListUsers', () => {
    let created;

    before(async () => {
      const { response } = await clientStream(users, 'importUsers',
        Array.from({ length: 25 }, (_, i) => ({ user: { name: `Lister ${i}`, email: email('lister') } })), { token: writer });
      assert.equal(response.created_count, '25');
      const { items } = await serverStream(users, 'listUsers', { page_size: 1000 }, { token: reader }).drain();
      created = items.flatMap((page) => page.users).filter((user) => user.name.startsWith('Lister '));
      assert.equal(created.length, 25);
    });

    it('streams every user in pages of page_size, ascending, with a token on every page but the last', async () => {
      const stream = serverStream(users, 'listUsers', { page_size: 10 }, { token: reader });
      const { items: pages, status } = await stream.drain();
      assert.equal(status.code, Code.OK);
      assert.ok(pages.length >= 3, `${pages.length} pages`);
      pages.forEach((page, i) => {
        const last = i === pages.length - 1;
        assert.ok(page.users.length >= 1 && page.users.length <= 10, `page ${i} has ${page.users.length} users`);
        if (!last) {
          assert.equal(page.users.length, 10);
          assert.notEqual(page.next_page_token, '', `page ${i} has a next_page_token`);
        } else {
          assert.equal(page.next_page_token, '');
        }
      });
      const ids = pages.flatMap((page) => page.users.map((user) => BigInt(user.id)));
      assert.deepEqual(ids, [...ids].sort((a, b) => (a < b ? -1 : 1)), 'ascending ids');
      assert.equal(new Set(ids).size, ids.length, 'no user twice');
      for (const user of created) {
        assert.ok(ids.includes(BigInt(user.id)), `user ${user.id} streamed`);
      }
    });

    it('resumes after a page with its next_page_token', async () => {
      const first = serverStream(users, 'listUsers', { page_size: 10 }, { token: reader });
      const page = await first.next();
      first.call.cancel();
      const { items } = await serverStream(users, 'listUsers', { page_size: 10, page_token: page.next_page_token }, { token: reader }).drain();
      const resumed = items.flatMap((next) => next.users);
      assert.ok(BigInt(resumed[0].id) > BigInt(page.users.at(-1).id), 'continues after the last user of the page');
    });

    it('a malformed page_token is INVALID_ARGUMENT', async () => {
      const { code, details } = await serverStream(users, 'listUsers', { page_token: 'not-a-token' }, { token: reader }).end();
      assert.equal(Code[code], 'INVALID_ARGUMENT', details);
    });
  });

  describe('client streaming: ImportUsers', () => {
    it('creates the valid items and reports each failed one by index, field and reason', async () => {
      const taken = email('taken');
      await unary(users, 'createUser', { name: 'Taken', email: taken }, { token: writer });
      const { response } = await clientStream(users, 'importUsers', [
        { user: { name: 'Import 0', email: email('import') } },
        { user: { name: 'Import 1', email: 'nope' } },
        { user: { name: 'Import 2', email: email('import') } },
        { user: { name: 'Import 3', email: taken } },
        {},
        { user: { name: '', email: email('import') } },
        { user: { name: 'Import 6', email: email('import') } },
      ], { token: writer });
      assert.equal(response.created_count, '3');
      assert.equal(response.failed_count, '4');
      assert.deepEqual(response.failures.map(({ index, field }) => [index, field]),
        [['1', 'email'], ['3', 'email'], ['4', ''], ['5', 'name']]);
      assert.match(response.failures[0].reason, /email/);
      assert.equal(response.failures[1].reason, 'email already exists');
      assert.equal(response.failures[2].reason, 'user is required');
    });
  });

  describe('bidirectional streaming: Chat', () => {
    it('two members of a room see each other join, talk and leave', async () => {
      const room = `room-${runId}`;
      const first = join(room, ada.id);
      const joinedFirst = await first.next();
      assert.equal(joinedFirst.event, 'joined');
      // A join without a resume point replays nothing.
      assert.deepEqual(joinedFirst.joined,
        { room_id: room, members: [{ user_id: ada.id, name: 'Ada' }], replayed_count: '0' });

      const second = join(room, bob.id);
      const joinedSecond = await second.next();
      assert.equal(joinedSecond.event, 'joined');
      assert.deepEqual(joinedSecond.joined.members.map((member) => member.user_id).sort(), [ada.id, bob.id].sort());
      const arrival = await first.next();
      assert.equal(arrival.event, 'member_joined');
      assert.deepEqual(arrival.member_joined.member, { user_id: bob.id, name: 'Bob' });

      first.call.write({ send: { text: 'Hello Bob', client_message_id: 'a1' } });
      for (const member of [first, second]) {
        const { event, message } = await member.next();
        assert.equal(event, 'message');
        assert.equal(message.text, 'Hello Bob');
        assert.equal(message.room_id, room);
        assert.deepEqual(message.sender, { user_id: ada.id, name: 'Ada' });
        assert.equal(message.client_message_id, 'a1');
        assert.match(message.message_id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
        assert.ok(Math.abs(Number(message.sent_at.seconds) * 1000 - Date.now()) < 60_000, 'sent_at is now');
      }
      second.call.write({ send: { text: 'Hi Ada' } });
      for (const member of [first, second]) {
        const { message } = await member.next();
        assert.equal(message.text, 'Hi Ada');
        assert.deepEqual(message.sender, { user_id: bob.id, name: 'Bob' });
        assert.equal(message.client_message_id, '');
      }

      // Half-closing leaves the room: the stream ends with OK and the other member sees it leave.
      second.call.end();
      const { code } = await second.end();
      assert.equal(Code[code], 'OK');
      await assertBobLeft(first);
    });

    it('joining as an unknown user is NOT_FOUND', async () => {
      const member = join(`nobody-${runId}`, '999999998');
      const error = await member.end();
      assertStatus(error, Code.NOT_FOUND, 'user 999999998 not found');
      assert.equal(richStatus(error).errorInfo.reason, 'USER_NOT_FOUND');
    });

    it('a first request that is not a join is FAILED_PRECONDITION', async () => {
      const member = bidiStream(chats, 'chat', { token: chatter });
      member.call.write({ send: { text: 'too early' } });
      const error = await member.end();
      assertStatus(error, Code.FAILED_PRECONDITION, 'the first request of a chat stream must be a join');
    });

    it('a token without users:read is PERMISSION_DENIED by user-service, passed on by chat-service', async () => {
      // A user chat-service has not looked up yet (found users are cached for a while).
      const eve = await createUser('Eve');
      const member = join(`denied-${runId}`, eve.id, { token: mintToken({ subject: 'e2e-chat-only', scopes: ['chat:write'] }) });
      const error = await member.end();
      assertStatus(error, Code.PERMISSION_DENIED,
        `user-service refused to look up user ${eve.id}; the caller's token needs the scope users:read`);
      assert.deepEqual(richStatus(error).errorInfo,
        { type: 'google.rpc.ErrorInfo', reason: 'USER_LOOKUP_DENIED', domain: 'chat-service', metadata: { userId: eve.id } });
    });
  });

  describe('deadlines and cancellation', () => {
    /** Ada in a room, then Bob (with the given call options) once Ada has seen him join. */
    const adaThenBob = async (room, options) => {
      const stays = join(room, ada.id);
      assert.equal((await stays.next()).event, 'joined');
      const leaves = join(room, bob.id, options);
      assert.equal((await leaves.next()).event, 'joined');
      assert.equal((await stays.next()).event, 'member_joined');
      return { stays, leaves };
    };

    it('a chat stream whose deadline passes ends with DEADLINE_EXCEEDED and leaves the room', async () => {
      const started = Date.now();
      const { stays, leaves } = await adaThenBob(`deadline-${runId}`, { deadlineMs: 3_000 });
      const { code, details } = await leaves.end();
      assert.equal(Code[code], 'DEADLINE_EXCEEDED', details);
      assert.ok(Date.now() - started >= 2_900, 'not before the deadline');
      await assertBobLeft(stays);
    });

    it('a chat stream the client cancels ends with CANCELLED and the server lets the others know', async () => {
      const { stays, leaves } = await adaThenBob(`cancel-${runId}`);
      leaves.call.cancel();
      assert.equal(Code[(await leaves.end()).code], 'CANCELLED');
      await assertBobLeft(stays);
    });
  });

  describe('metadata: x-request-id', () => {
    it('a request id sent comes back in the response headers and names the call in the access log', async () => {
      const user = await createUser('Request Id 1');
      const { headers } = await unary(users, 'getUser', { id: user.id }, {
        metadata: callMetadata(reader, { 'x-request-id': `e2e-${runId}-1` }),
      });
      assert.deepEqual(headers.get('x-request-id'), [`e2e-${runId}-1`]);
      // The same id in the service's access log line of the call, with the caller's principal.
      const line = await waitFor('the access log line', () => readFileSync(platform.userService.logFile, 'utf8')
        .split('\n').find((entry) => entry.includes(`request_id=e2e-${runId}-1`)));
      assert.match(line, /AccessLog +: method=platform\.user\.v1\.UserService\/GetUser status=OK duration_ms=[0-9.]+ peer=127\.0\.0\.1:[0-9]+ principal=e2e-reader request_id=/);
    });

    it('without one, a generated id comes back', async () => {
      const user = await createUser('Request Id');
      const { headers } = await unary(users, 'getUser', { id: user.id }, { token: reader });
      const [id] = headers.get('x-request-id');
      assert.match(id, /^[0-9a-f]{32}$/);
    });

    it('an unacceptable id is replaced by a generated one', async () => {
      const user = await createUser('Request Id 2');
      const { headers } = await unary(users, 'getUser', { id: user.id }, {
        metadata: callMetadata(reader, { 'x-request-id': 'has spaces and "quotes"' }),
      });
      assert.match(headers.get('x-request-id')[0], /^[0-9a-f]{32}$/);
    });

    it('a call refused before any header still returns the id, in its trailers', async () => {
      const error = await rejection(unary(users, 'getUser', { id: '1' }, {
        metadata: callMetadata(undefined, { 'x-request-id': `e2e-${runId}-2` }),
      }));
      assertStatus(error, Code.UNAUTHENTICATED);
      assert.deepEqual(error.metadata.get('x-request-id'), [`e2e-${runId}-2`]);
    });

    it('a chat stream returns the id in its headers', async () => {
      const { id } = await createUser('Request Id 3');
      const member = bidiStream(chats, 'chat', { metadata: callMetadata(chatter, { 'x-request-id': `e2e-${runId}-3` }) });
      member.call.write({ join: { room_id: `request-id-${runId}`, user_id: id } });
      assert.equal((await member.next()).event, 'joined');
      const headers = await withTimeout(member.headers, 10_000, 'response headers');
      assert.deepEqual(headers.get('x-request-id'), [`e2e-${runId}-3`]);
      member.call.end();
      await member.end();
    });
  });

  describe('authentication and authorization', () => {
    const expectRefusal = async (call, code, message, reason) => {
      const error = await rejection(call);
      assertStatus(error, code, message);
      assert.equal(richStatus(error).errorInfo.reason, reason);
      return error;
    };

    it('no token is UNAUTHENTICATED "Authentication required"', async () => {
      await expectRefusal(unary(users, 'getUser', { id: '1' }), Code.UNAUTHENTICATED, 'Authentication required', 'CREDENTIALS_MISSING');
    });

    it('a token signed with another secret is UNAUTHENTICATED "Invalid credentials"', async () => {
      const forged = mintToken({ scopes: ['users:read'], secret: 'not-the-development-secret-but-32-bytes-long' });
      await expectRefusal(unary(users, 'getUser', { id: '1' }, { token: forged }), Code.UNAUTHENTICATED, 'Invalid credentials', 'CREDENTIALS_INVALID');
    });

    it('an expired token is UNAUTHENTICATED "Invalid credentials"', async () => {
      const expired = mintToken({ scopes: ['users:read'], expiresInSeconds: -600 });
      await expectRefusal(unary(users, 'getUser', { id: '1' }, { token: expired }), Code.UNAUTHENTICATED, 'Invalid credentials', 'CREDENTIALS_INVALID');
    });

    it('a token that is no JWT is UNAUTHENTICATED "Invalid credentials"', async () => {
      await expectRefusal(unary(users, 'getUser', { id: '1' }, { token: 'not-a-jwt' }), Code.UNAUTHENTICATED, 'Invalid credentials', 'CREDENTIALS_INVALID');
    });

    it('a token without the method\'s scope is PERMISSION_DENIED naming the scope', async () => {
      const error = await expectRefusal(unary(users, 'createUser', { name: 'Nope', email: email('nope') }, { token: reader }),
        Code.PERMISSION_DENIED, 'Permission denied', 'INSUFFICIENT_SCOPES');
      assert.deepEqual(richStatus(error).errorInfo.metadata, { requiredScopes: 'users:write' });
    });

    it('streaming calls are refused before the handler runs, too', async () => {
      const listed = await serverStream(users, 'listUsers', {}).end();
      assertStatus(listed, Code.UNAUTHENTICATED, 'Authentication required');
      await expectRefusal(clientStream(users, 'importUsers', [{ user: { name: 'X', email: email('x') } }], { token: reader }),
        Code.PERMISSION_DENIED, 'Permission denied', 'INSUFFICIENT_SCOPES');
      const chat = await bidiStream(chats, 'chat', { token: reader }).end();
      assertStatus(chat, Code.PERMISSION_DENIED, 'Permission denied');
      assert.deepEqual(richStatus(chat).errorInfo.metadata, { requiredScopes: 'chat:write' });
    });
  });
}
