// @grpc/grpc-js clients of the contracts, loaded from the descriptor set the proto module builds
// (not from copies of the .proto files), and small helpers for the four call shapes.
import { readFileSync } from 'node:fs';

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

import { descriptorSetPath } from './platform.mjs';

export { grpc };
export const { status: Code, Metadata } = grpc;

let contracts;

function loadContracts() {
  if (!contracts) {
    const definition = protoLoader.loadFileDescriptorSetFromBuffer(readFileSync(descriptorSetPath()), {
      // int64 as decimal strings, enums by name, every field present: as the JSON mapping shows them.
      longs: String,
      enums: String,
      defaults: true,
      oneofs: true,
    });
    contracts = grpc.loadPackageDefinition(definition);
  }
  return contracts;
}

/** A client of platform.user.v1.UserService at host:port (plaintext). */
export function userServiceClient(address) {
  return new (loadContracts().platform.user.v1.UserService)(address, grpc.credentials.createInsecure());
}

/** A client of platform.chat.v1.ChatService at host:port (plaintext). */
export function chatServiceClient(address) {
  return new (loadContracts().platform.chat.v1.ChatService)(address, grpc.credentials.createInsecure());
}

/** Call metadata: authorization from token (if any) plus the given entries. */
export function callMetadata(token, entries = {}) {
  const metadata = new Metadata();
  if (token) {
    metadata.set('authorization', `Bearer ${token}`);
  }
  for (const [key, value] of Object.entries(entries)) {
    metadata.set(key, value);
  }
  return metadata;
}

const deadlineIn = (ms) => new Date(Date.now() + ms);

/**
 * A unary call. Resolves {response, headers, trailers}; rejects with grpc-js's ServiceError
 * (code, details, metadata = trailers) with the response headers added as error.headers.
 */
export function unary(client, method, request, { token, metadata = callMetadata(token), deadlineMs = 15_000 } = {}) {
  return new Promise((resolve, reject) => {
    let headers;
    let outcome;
    const call = client[method](request, metadata, { deadline: deadlineIn(deadlineMs) }, (error, response) => {
      outcome = { error, response };
    });
    call.on('metadata', (received) => {
      headers = received;
    });
    // The callback runs before 'status'; by then both the outcome and the trailers are known.
    call.on('status', (status) => {
      if (outcome.error) {
        outcome.error.headers = headers;
        reject(outcome.error);
      } else {
        resolve({ response: outcome.response, headers, trailers: status.metadata });
      }
    });
  });
}

/** Runs fn, expecting it to reject with a gRPC error; returns that error. */
export async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    if (error.code === undefined) {
      throw error;
    }
    return error;
  }
  throw new Error('the call succeeded, but an error status was expected');
}

/**
 * The messages, headers and status of a call that the server streams to (server or bidi
 * streaming), read in order with a bounded wait each.
 */
export class Inbox {
  constructor(call) {
    this.call = call;
    this.items = [];
    this.waiters = [];
    this.headers = new Promise((resolve) => call.once('metadata', resolve));
    // grpc-js emits 'error' for a non-OK status, then 'status' in every case.
    call.on('error', () => {});
    this.status = new Promise((resolve) => call.once('status', resolve));
    call.on('data', (item) => {
      this.items.push(item);
      this.waiters.shift()?.();
    });
    this.ended = false;
    this.status.then(() => {
      this.ended = true;
      for (const wake of this.waiters.splice(0)) {
        wake();
      }
    });
  }

  /** The next message; fails when none comes within timeoutMs or the call ended without one. */
  async next(timeoutMs = 10_000) {
    if (this.items.length === 0 && !this.ended) {
      let timer;
      await new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        timer = setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(wake), 1);
          resolve();
        }, timeoutMs);
        this.waiters.push(wake);
      });
    }
    if (this.items.length === 0) {
      throw new Error(this.ended
        ? `the call ended (${JSON.stringify(await this.statusSummary())}) and no message is left`
        : `no message within ${timeoutMs} ms`);
    }
    return this.items.shift();
  }

  /** Every message until the call ends, then its status. */
  async drain(timeoutMs = 15_000) {
    const status = await withTimeout(this.status, timeoutMs, 'the end of the call');
    return { items: this.items.splice(0), status };
  }

  async statusSummary() {
    const { code, details } = await this.status;
    return { code: Code[code], details };
  }

  /** The status of the call once it ended (within timeoutMs). */
  end(timeoutMs = 15_000) {
    return withTimeout(this.status, timeoutMs, 'the end of the call');
  }
}

/** Resolves like promise, or rejects once timeoutMs passed. */
export function withTimeout(promise, timeoutMs, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
    }),
  ]);
}

/** A server-streaming call with an Inbox. */
export function serverStream(client, method, request, { token, metadata = callMetadata(token), deadlineMs = 30_000 } = {}) {
  return new Inbox(client[method](request, metadata, { deadline: deadlineIn(deadlineMs) }));
}

/** A client-streaming call: writes the requests, half-closes, resolves like unary(). */
export function clientStream(client, method, requests, { token, metadata = callMetadata(token), deadlineMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    let outcome;
    const call = client[method](metadata, { deadline: deadlineIn(deadlineMs) }, (error, response) => {
      outcome = { error, response };
    });
    call.on('status', (status) => {
      if (outcome.error) {
        reject(outcome.error);
      } else {
        resolve({ response: outcome.response, trailers: status.metadata });
      }
    });
    for (const request of requests) {
      call.write(request);
    }
    call.end();
  });
}

/** A bidirectional call: write()/end()/cancel() on .call, reads through the Inbox. */
export function bidiStream(client, method, { token, metadata = callMetadata(token), deadlineMs = 60_000 } = {}) {
  return new Inbox(client[method](metadata, { deadline: deadlineIn(deadlineMs) }));
}
