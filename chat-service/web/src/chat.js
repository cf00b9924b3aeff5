// The chat page: joins a room with SubscribeRoom (server streaming) and posts with SendRoomMessage
// (unary), both over gRPC-Web to the server that served the page. Under the dev profile the server
// mints a development token (POST /dev/token); otherwise the page asks for one.
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcWebTransport } from '@connectrpc/connect-web';
import { timestampDate } from '@bufbuild/protobuf/wkt';

import { ChatService } from '../target/generated/platform/chat/v1/chat_service_pb.js';

const transport = createGrpcWebTransport({ baseUrl: window.location.origin });
const client = createClient(ChatService, transport);

const $ = (id) => document.getElementById(id);
const members = new Map();
let subscription;
let me;

function status(text, error = false) {
  $('status').textContent = text;
  $('status').className = error ? 'error' : '';
}

function authorization() {
  return { Authorization: `Bearer ${$('token').value.trim()}` };
}

function describe(error) {
  const connectError = ConnectError.from(error);
  return `${connectError.code !== undefined ? codeName(connectError.code) : 'error'}: ${connectError.rawMessage}`;
}

function codeName(code) {
  return ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
    'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED',
    'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'][code] ?? String(code);
}

function renderMembers() {
  const list = $('members');
  list.replaceChildren(...[...members.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((member) => {
      const item = document.createElement('li');
      item.textContent = member.name;
      item.dataset.userId = String(member.userId);
      return item;
    }));
}

function append(kind, text, { sender, at, messageId } = {}) {
  const item = document.createElement('li');
  item.className = kind;
  if (sender) {
    item.dataset.senderId = String(sender.userId);
    item.dataset.messageId = messageId;
    if (me !== undefined && sender.userId === me) {
      item.classList.add('own');
    }
    const name = document.createElement('span');
    name.className = 'sender';
    name.textContent = sender.name;
    const body = document.createElement('span');
    body.className = 'text';
    body.textContent = text;
    item.append(name, body);
  } else {
    item.textContent = text;
  }
  if (at) {
    const time = document.createElement('time');
    const date = timestampDate(at);
    time.dateTime = date.toISOString();
    time.textContent = date.toLocaleTimeString();
    item.append(time);
  }
  const list = $('messages');
  list.append(item);
  list.scrollTop = list.scrollHeight;
}

function onEvent(event) {
  switch (event.event.case) {
    case 'joined':
      members.clear();
      if (event.event.value.replayedCount > 0n) {
        append('event', `${event.event.value.replayedCount} messages missed while away`);
      }
      for (const member of event.event.value.members) {
        members.set(member.userId, member);
      }
      renderMembers();
      $('room-title').textContent = `Room ${event.event.value.roomId}`;
      $('text').disabled = false;
      $('send-button').disabled = false;
      $('text').focus();
      status(`Joined ${event.event.value.roomId} as user ${me}`);
      document.body.dataset.joined = 'true';
      break;
    case 'message': {
      const message = event.event.value;
      lastMessage = message;
      append('message', message.text, { sender: message.sender, at: message.sentAt, messageId: message.messageId });
      break;
    }
    case 'memberJoined':
      members.set(event.event.value.member.userId, event.event.value.member);
      renderMembers();
      append('event', `${event.event.value.member.name} joined`, { at: event.event.value.joinedAt });
      break;
    case 'memberLeft':
      members.delete(event.event.value.member.userId);
      renderMembers();
      append('event', `${event.event.value.member.name} left`, { at: event.event.value.leftAt });
      break;
    case 'gap':
      append('event', `${event.event.value.droppedCount} events missed`);
      break;
    default:
      break;
  }
}

/** Last message shown: where a subscription that broke resumes. */
let lastMessage;

async function join(roomId, userId) {
  subscription?.abort();
  const controller = new AbortController();
  subscription = controller;
  me = userId;
  lastMessage = undefined;
  $('messages').replaceChildren();
  members.clear();
  renderMembers();
  status(`Joining ${roomId}...`);
  // UNAVAILABLE means "join again" (the contract's advice): after a pause, resuming after the last
  // message shown, so that nothing is missed or shown twice.
  for (let attempt = 1; !controller.signal.aborted; attempt++) {
    const resume = lastMessage
      ? { resumeAfterMessageId: lastMessage.messageId, resumeAfterSequence: lastMessage.sequence }
      : {};
    try {
      for await (const response of client.subscribeRoom({ join: { roomId, userId, ...resume } },
        { headers: authorization(), signal: controller.signal })) {
        attempt = 0;
        onEvent(response.event);
      }
      status('The server ended the subscription', true);
      break;
    } catch (error) {
      if (controller.signal.aborted) {
        break;
      }
      const connectError = ConnectError.from(error);
      if (connectError.code !== Code.Unavailable || attempt >= 8) {
        status(describe(error), true);
        break;
      }
      status(`${describe(error)}; joining again (${attempt})`, true);
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** attempt, 8000)));
    }
  }
  if (subscription === controller) {
    $('text').disabled = true;
    $('send-button').disabled = true;
    document.body.dataset.joined = 'false';
  }
}

let sent = 0;

async function send(text) {
  const request = { roomId: $('room').value, userId: me, message: { text, clientMessageId: `page-${++sent}` } };
  for (let attempt = 1; ; attempt++) {
    try {
      await client.sendRoomMessage(request, { headers: authorization() });
      return;
    } catch (error) {
      // UNAVAILABLE: the sender could not be looked up in time or the broker not reached; the
      // contract says retry. (A post the broker took just before it failed would show twice.)
      if (ConnectError.from(error).code !== Code.Unavailable || attempt >= 5) {
        status(describe(error), true);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

// Sends one message at a time, each after the server accepted the previous one, so that the
// room receives them in the order typed.
let sending = Promise.resolve();

$('send').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('text').value;
  if (text.length === 0) {
    return;
  }
  $('text').value = '';
  sending = sending.then(() => send(text));
});

$('join').addEventListener('submit', (event) => {
  event.preventDefault();
  join($('room').value, BigInt($('user').value));
});

async function developmentToken() {
  try {
    const response = await fetch('/dev/token', { method: 'POST' });
    if (response.ok) {
      return (await response.json()).token;
    }
  } catch {
    // No development token here: ask for one.
  }
  return undefined;
}

const parameters = new URLSearchParams(window.location.search);
if (parameters.has('room')) {
  $('room').value = parameters.get('room');
}
if (parameters.has('user')) {
  $('user').value = parameters.get('user');
}
const token = await developmentToken();
if (token) {
  $('token').value = token;
  $('token-field').hidden = true;
  status('Development token minted by the server (dev profile)');
} else {
  status('Paste a bearer token with the scopes chat:write and users:read');
}
document.body.dataset.ready = 'true';
if (parameters.has('room') && parameters.has('user') && $('token').value) {
  join($('room').value, BigInt($('user').value));
}
