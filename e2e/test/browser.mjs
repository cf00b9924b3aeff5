// The chat page in a real headless Chromium (Debian package chromium, driven by playwright-core):
// two pages and a @grpc/grpc-js bidirectional member chat in one room through chat-service's
// gRPC-Web (the pages) and native gRPC (the member). Every member sees every message once, in the
// order each sender sent, and the others' joins and leaves; a screenshot lands in e2e/target/.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, it } from 'node:test';

import { chromium } from 'playwright-core';

import { bidiStream, chatServiceClient, Code, unary, userServiceClient } from '../lib/grpc.mjs';
import { requireChromium, targetDirectory, waitFor } from '../lib/platform.mjs';
import { mintToken } from '../lib/tokens.mjs';

const runId = Date.now().toString(36);
const writer = mintToken({ subject: 'e2e-browser-writer', scopes: ['users:read', 'users:write'] });
const chatter = mintToken({ subject: 'e2e-browser-chatter', scopes: ['chat:write', 'users:read'] });

/** Where the screenshot of a page with the whole conversation is saved. */
export const SCREENSHOT = path.join(targetDirectory, 'chat-page.png');

/** Messages each member sends. */
const PER_SENDER = 5;

export function browserTests(platform) {
  let browser;
  let users;
  let chats;
  const people = {};

  before(async () => {
    browser = await chromium.launch({
      executablePath: requireChromium(),
      // headless: false keeps Playwright from adding its own headless switch: --headless=new is Chromium's
      // one headless mode, as a user runs it.
      headless: false,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    users = userServiceClient(platform.userService.address);
    chats = chatServiceClient(platform.chatService.address);
    for (const name of ['Ada', 'Grace', 'Linus']) {
      const { response } = await unary(users, 'createUser',
        { name, email: `${name.toLowerCase()}-browser-${runId}@example.com` }, { token: writer });
      people[name] = response.user;
    }
  });

  after(async () => {
    await browser?.close();
    users?.close();
    chats?.close();
  });

  /** Opens the page as a user of the room; it mints its development token and joins by itself. */
  async function openPage(room, user) {
    const context = await browser.newContext({ viewport: { width: 1000, height: 720 } });
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') {
        problems.push(`console: ${message.text()}`);
      }
    });
    const external = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(platform.chatService.httpUrl)) {
        external.push(request.url());
      }
    });
    await page.goto(`${platform.chatService.httpUrl}/?room=${room}&user=${user.id}`);
    await page.waitForSelector('body[data-joined="true"]', { timeout: 30_000 })
      .catch(async (error) => {
        throw new Error(`${user.name}'s page did not join: ${await page.textContent('#status')} ${problems.join('; ')}`, { cause: error });
      });
    assert.equal(await page.isVisible('#token'), false, 'with a development token the page asks for none');
    return { page, context, problems, external, user };
  }

  /** What a page shows: its messages ({sender, text}) and its membership events, in order. */
  async function shown(page) {
    return page.$$eval('#messages li', (items) => items.map((item) => (item.classList.contains('message')
      ? { kind: 'message', senderId: item.dataset.senderId, messageId: item.dataset.messageId, text: item.querySelector('.text').textContent }
      : { kind: 'event', text: item.textContent.replace(/\d{1,2}:\d{2}:\d{2}.*$/, '').trim() })));
  }

  async function members(page) {
    return (await page.$$eval('#members li', (items) => items.map((item) => item.textContent))).sort();
  }

  it('two pages and a grpc-js member chat in one room: every message once, in order per sender; joins and leaves seen', async () => {
    const room = `browser-${runId}`;
    const { Ada: ada, Grace: grace, Linus: linus } = people;
    const gracePage = await openPage(room, grace);
    const linusPage = await openPage(room, linus);
    await waitFor('Grace to see Linus join', async () => (await shown(gracePage.page))
      .some((item) => item.kind === 'event' && item.text === 'Linus joined'));

    const member = bidiStream(chats, 'chat', { token: chatter, deadlineMs: 120_000 });
    member.call.write({ join: { room_id: room, user_id: ada.id } });
    const joined = await member.next();
    assert.equal(joined.event, 'joined');
    assert.deepEqual(joined.joined.members.map((each) => each.name).sort(), ['Ada', 'Grace', 'Linus']);
    for (const { page } of [gracePage, linusPage]) {
      await waitFor('the pages to see Ada join', async () => (await members(page)).join() === 'Ada,Grace,Linus');
    }

    // Each sends PER_SENDER messages, interleaved: the pages by typing and pressing Enter.
    const expected = { Ada: [], Grace: [], Linus: [] };
    for (let i = 1; i <= PER_SENDER; i++) {
      for (const [name, page] of [['Grace', gracePage.page], ['Linus', linusPage.page]]) {
        const text = `${name} says ${i}`;
        await page.fill('#text', text);
        await page.press('#text', 'Enter');
        expected[name].push(text);
      }
      const text = `Ada says ${i}`;
      member.call.write({ send: { text } });
      expected.Ada.push(text);
    }
    const total = 3 * PER_SENDER;
    const nameOf = { [ada.id]: 'Ada', [grace.id]: 'Grace', [linus.id]: 'Linus' };
    const bySender = (messages) => {
      const grouped = { Ada: [], Grace: [], Linus: [] };
      for (const message of messages) {
        grouped[nameOf[message.senderId]].push(message.text);
      }
      return grouped;
    };

    // The grpc-js member: every message once, in order per sender.
    const received = [];
    while (received.length < total) {
      const event = await member.next(30_000);
      if (event.event === 'message') {
        received.push({ senderId: event.message.sender.user_id, messageId: event.message.message_id, text: event.message.text });
      }
    }
    assert.deepEqual(bySender(received), expected);
    assert.equal(new Set(received.map((message) => message.messageId)).size, total, 'no message twice');

    // Each page: the same messages, once each, in the room's order (as the grpc-js member saw them).
    for (const { page, user } of [gracePage, linusPage]) {
      const messages = await waitFor(`${user.name}'s page to show ${total} messages`, async () => {
        const items = (await shown(page)).filter((item) => item.kind === 'message');
        return items.length >= total ? items : undefined;
      });
      assert.equal(messages.length, total, `${user.name}'s page shows each message once`);
      assert.deepEqual(bySender(messages), expected, `${user.name}'s page shows every sender's messages in order`);
      assert.deepEqual(messages.map((message) => message.messageId), received.map((message) => message.messageId),
        `${user.name}'s page shows the room's order`);
    }

    // Linus closes his page: Grace's page and Ada see him leave. Over HTTP/1.1 the server learns
    // that a browser went away only when it next writes to it (as with server-sent events), so
    // Ada keeps talking until the room's next events reach Linus's closed connection.
    await linusPage.context.close();
    let left;
    for (let ping = 1; !left && ping <= 20; ping++) {
      member.call.write({ send: { text: `Anyone there? ${ping}` } });
      for (;;) {
        const event = await member.next(30_000);
        if (event.event === 'member_left') {
          left = event;
          break;
        }
        if (event.event === 'message' && event.message.text === `Anyone there? ${ping}`) {
          break;
        }
      }
      if (!left) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    assert.ok(left, 'Ada saw Linus leave after her messages met his closed connection');
    assert.equal(left.member_left.member.name, 'Linus');
    await waitFor('Grace to see Linus leave', async () => (await members(gracePage.page)).join() === 'Ada,Grace');

    await gracePage.page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Ada half-closes her stream: Grace's page sees her leave.
    member.call.end();
    assert.equal(Code[(await member.end()).code], 'OK');
    await waitFor('Grace to see Ada leave', async () => (await members(gracePage.page)).join() === 'Grace');
    const events = (await shown(gracePage.page)).filter((item) => item.kind === 'event' && / (joined|left)$/.test(item.text))
      .map((item) => item.text);
    assert.deepEqual(events, ['Linus joined', 'Ada joined', 'Linus left', 'Ada left']);

    for (const { problems, external, user } of [gracePage, linusPage]) {
      assert.deepEqual(problems, [], `${user.name}'s page logged no error`);
      assert.deepEqual(external, [], `${user.name}'s page loaded nothing from another origin`);
    }
    await gracePage.context.close();
  });

  it('without the development token, the page is refused UNAUTHENTICATED and says so', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // As where the server mints no token (any profile but dev): the page asks for one.
    await page.route('**/dev/token', (route) => route.fulfill({ status: 404, body: '' }));
    await page.goto(`${platform.chatService.httpUrl}/`);
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.isVisible('#token'), true, 'the page asks for a token');
    await page.fill('#user', String(people.Grace.id));
    await page.fill('#token', 'not-a-token');
    await page.click('#join-button');
    await waitFor('the page to show the refusal', async () => /UNAUTHENTICATED/.test(await page.textContent('#status')));
    await page.fill('#token', mintToken({ subject: 'e2e-browser-reader', scopes: ['users:read'] }));
    await page.click('#join-button');
    await waitFor('the page to show the denial', async () => /PERMISSION_DENIED/.test(await page.textContent('#status')));
    await context.close();
  });
}
