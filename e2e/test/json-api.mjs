// user-service's HTTP/JSON API, transcoded from the contract's google.api.http bindings on the
// application's HTTP port, called with plain fetch as any REST client would: create, get, list
// (a stream of JSON lines), and each class of error with its HTTP status and a google.rpc.Status
// body. The calls pass the platform's chain: the A66 metrics count them under the gRPC method
// names, and the access log line carries the request id.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, it } from 'node:test';

import { fetchText, targetDirectory, waitFor } from '../lib/platform.mjs';
import { mintToken } from '../lib/tokens.mjs';

const runId = Date.now().toString(36);
const writer = mintToken({ subject: 'e2e-json-writer', scopes: ['users:read', 'users:write'] });
const reader = mintToken({ subject: 'e2e-json-reader', scopes: ['users:read'] });
const GET_USER = 'platform.user.v1.UserService/GetUser';

/** The count of grpc.server.call.duration for a method and status in a Prometheus exposition. */
function calls(exposition, method, status) {
  return exposition.split('\n')
    .filter((line) => line.startsWith('grpc_server_call_duration_seconds_count{')
      && line.includes(`grpc_method="${method}"`) && line.includes(`grpc_status="${status}"`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

export function jsonApiTests(platform) {
  let base;
  const call = async (method, url, { token, body, contentType = 'application/json', headers = {} } = {}) => {
    const response = await fetch(`${base}${url}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': contentType } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  };
  /** A google.rpc.Status JSON body with the given code, checked for its shape. */
  const rpcStatus = (response, httpStatus, code) => {
    assert.equal(response.status, httpStatus, response.text);
    assert.match(response.headers.get('content-type'), /^application\/json/);
    const status = JSON.parse(response.text);
    assert.equal(status.code, code, response.text);
    assert.equal(typeof status.message, 'string');
    assert.doesNotMatch(response.text, /\tat |\.java:\d/, 'no stack trace on the wire');
    return status;
  };
  const newUser = (label, extra = {}) => ({ name: `Json ${label}`, email: `json-${label}-${runId}@example.com`, ...extra });

  before(() => {
    base = platform.userService.httpUrl;
  });

  it('POST /v1/users creates a user; GET /v1/users/{id} reads it back; both proto3 JSON', async () => {
    const created = await call('POST', '/v1/users', { token: writer, body: newUser('ada', { roles: ['admin'], metadata: { team: 'e2e' } }) });
    assert.equal(created.status, 200, created.text);
    assert.match(created.headers.get('content-type'), /^application\/json/);
    const { user } = JSON.parse(created.text);
    assert.match(user.id, /^[1-9][0-9]*$/, 'int64 as a JSON string');
    assert.equal(user.name, 'Json ada');
    assert.equal(user.status, 'USER_STATUS_ACTIVE');
    assert.deepEqual(user.roles, ['admin']);
    assert.deepEqual(user.metadata, { team: 'e2e' });
    assert.ok(Math.abs(Date.parse(user.createdAt) - Date.now()) < 60_000, `createdAt is now: ${user.createdAt}`);

    const read = await call('GET', `/v1/users/${user.id}`, { token: reader });
    assert.equal(read.status, 200, read.text);
    assert.deepEqual(JSON.parse(read.text).user, user);
  });

  it('GET /v1/users streams pages as JSON lines, page_size and status_filter from the query', async () => {
    for (const label of ['list-1', 'list-2', 'list-3']) {
      assert.equal((await call('POST', '/v1/users', { token: writer, body: newUser(label) })).status, 200);
    }
    const listed = await call('GET', '/v1/users?page_size=2&status_filter=USER_STATUS_ACTIVE', { token: reader });
    assert.equal(listed.status, 200, listed.text);
    assert.match(listed.headers.get('content-type'), /^application\/x-ndjson/);
    const pages = listed.text.trim().split('\n').map((line) => JSON.parse(line));
    assert.ok(pages.length >= 2, `at least the three users of this test in pages of two: ${pages.length} pages`);
    for (const page of pages) {
      assert.ok(page.result, `each line is a {"result": ...}: ${JSON.stringify(page)}`);
      assert.ok(page.result.users.length >= 1 && page.result.users.length <= 2);
    }
    const ids = pages.flatMap((page) => page.result.users.map((user) => BigInt(user.id)));
    assert.deepEqual([...ids].sort((a, b) => (a < b ? -1 : 1)), ids, 'ascending ids');
    const emails = pages.flatMap((page) => page.result.users.map((user) => user.email));
    for (const label of ['list-1', 'list-2', 'list-3']) {
      assert.ok(emails.includes(`json-${label}-${runId}@example.com`), `${label} is listed`);
    }
    assert.equal(pages.at(-1).result.nextPageToken ?? '', '', 'the last page has no next_page_token');
    assert.ok(pages[0].result.nextPageToken, 'an earlier page has one');
  });

  it('no token is 401 UNAUTHENTICATED with a google.rpc.Status body', async () => {
    const status = rpcStatus(await call('GET', '/v1/users/1'), 401, 16);
    assert.equal(status.message, 'Authentication required');
  });

  it('a token without users:write is 403 PERMISSION_DENIED naming the scope', async () => {
    const status = rpcStatus(await call('POST', '/v1/users', { token: reader, body: newUser('denied') }), 403, 7);
    const info = status.details.find((detail) => detail['@type'] === 'type.googleapis.com/google.rpc.ErrorInfo');
    assert.equal(info.metadata.requiredScopes, 'users:write');
  });

  it('an invalid user is 400 INVALID_ARGUMENT with a BadRequest naming each bad field', async () => {
    const status = rpcStatus(await call('POST', '/v1/users', {
      token: writer, body: { name: ' ', email: 'not an email', roles: ['ok', 'Bad Role'] },
    }), 400, 3);
    const badRequest = status.details.find((detail) => detail['@type'] === 'type.googleapis.com/google.rpc.BadRequest');
    assert.ok(badRequest, JSON.stringify(status));
    assert.deepEqual(badRequest.fieldViolations.map((violation) => violation.field).sort(), ['email', 'name', 'roles[1]']);
    for (const violation of badRequest.fieldViolations) {
      assert.ok(violation.description, `${violation.field} says what is wrong`);
    }
  });

  it('JSON that does not parse, or names an unknown field, is 400 INVALID_ARGUMENT', async () => {
    rpcStatus(await call('POST', '/v1/users', { token: writer, body: '{"name": "Ada", ' }), 400, 3);
    rpcStatus(await call('POST', '/v1/users', { token: writer, body: { ...newUser('unknown'), nickname: 'x' } }), 400, 3);
    rpcStatus(await call('GET', '/v1/users/abc', { token: reader }), 400, 3);
  });

  it('an unknown id is 404 NOT_FOUND; a path no binding matches is 404 too', async () => {
    const status = rpcStatus(await call('GET', '/v1/users/999999997', { token: reader }), 404, 5);
    assert.equal(status.message, 'user 999999997 not found');
    const unbound = await call('GET', '/v1/groups', { token: reader });
    assert.equal(unbound.status, 404);
  });

  it('a verb the path does not allow is 405 with Allow; a body that is not JSON is 415', async () => {
    const deleted = await call('DELETE', '/v1/users/1', { token: writer });
    rpcStatus(deleted, 405, 12);
    assert.match(deleted.headers.get('allow'), /GET/);
    const put = await call('PUT', '/v1/users', { token: writer, body: newUser('put') });
    rpcStatus(put, 405, 12);
    assert.deepEqual(put.headers.get('allow').split(/,\s*/).sort(), ['GET', 'POST']);
    const text = await call('POST', '/v1/users', { token: writer, body: 'name=Ada', contentType: 'text/plain' });
    assert.equal(text.status, 415, text.text);
  });

  it('the calls are counted under their gRPC method names and logged with the request id', async () => {
    const before = calls(await fetchText(`${platform.userService.managementUrl}/actuator/prometheus`), GET_USER, 'NOT_FOUND');
    const requestId = `json-${runId}`;
    const missing = await call('GET', '/v1/users/999999996', { token: reader, headers: { 'x-request-id': requestId } });
    rpcStatus(missing, 404, 5);
    assert.equal(missing.headers.get('x-request-id'), requestId, 'the request id comes back');
    await waitFor('GetUser NOT_FOUND to be counted once more', async () => calls(
      await fetchText(`${platform.userService.managementUrl}/actuator/prometheus`), GET_USER, 'NOT_FOUND') === before + 1);
    await waitFor('the access log line of the call', () => readFileSync(path.join(targetDirectory, 'user-service.log'), 'utf8')
      .split('\n')
      .some((line) => line.includes(`method=${GET_USER}`) && line.includes('status=NOT_FOUND') && line.includes(`request_id=${requestId}`)));
  });
}
