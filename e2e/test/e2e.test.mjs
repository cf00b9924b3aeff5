// The end-to-end suite: starts the real service jars once (node --test runs each test file in a
// process of its own, so every suite is registered from this one file) and runs the independent
// clients against them: buf curl, @grpc/grpc-js (calls, and describing both services through
// server reflection), HTTP/JSON with fetch, the chat page in a real headless Chromium, and a real
// Prometheus with promtool.
import { after, before, describe } from 'node:test';

import { startServices } from '../lib/platform.mjs';
import { browserTests } from './browser.mjs';
import { bufCurlTests } from './buf-curl.mjs';
import { grpcJsTests } from './grpc-js.mjs';
import { jsonApiTests } from './json-api.mjs';
import { prometheusTests } from './prometheus.mjs';
import { reflectionTests } from './reflection.mjs';

/** Filled in by before(): {userService, chatService, stop}. */
const platform = {};

before(async () => {
  Object.assign(platform, await startServices());
}, { timeout: 300_000 });

after(async () => {
  await platform.stop?.();
}, { timeout: 120_000 });

describe('buf curl through server reflection', { timeout: 120_000 }, () => bufCurlTests(platform));
describe('@grpc/grpc-js', { timeout: 180_000 }, () => grpcJsTests(platform));
describe('@grpc/grpc-js describing both services through server reflection', { timeout: 120_000 }, () => reflectionTests(platform));
describe('HTTP/JSON API of user-service (transcoded from the contract)', { timeout: 120_000 }, () => jsonApiTests(platform));
describe('chat page in headless Chromium over gRPC-Web, with a grpc-js member', { timeout: 240_000 }, () => browserTests(platform));
describe('Prometheus scraping both services', { timeout: 120_000 }, () => prometheusTests(platform));
