// The chat page: joins a room with SubscribeRoom (server streaming) and posts with SendRoomMessage
// (unary), both over gRPC-Web to the server that served the page. Under the dev profile the server
// mints a development token (POST /dev/token); otherwise the page asks for one.
import { createClient, ConnectError } from '@connectrpc/connect';
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

async function join(roomId, userId) {
  subscription?.abort();
  const controller = new AbortController();
  subscription = controller;
  me = userId;
  $('messages').replaceChildren();
  members.clear();
  renderMembers();
  status(`Joining ${roomId}...`);
  try {
    for await (const response of client.subscribeRoom({ join: { roomId, userId } },
      { headers: authorization(), signal: controller.signal })) {
      onEvent(response.event);
    }
    status('The server ended the subscription', true);
  } catch (error) {
    if (!controller.signal.aborted) {
      status(describe(error), true);
    }
  } finally {
    if (subscription === controller) {
      $('text').disabled = true;
      $('send-button').disabled = true;
      document.body.dataset.joined = 'false';
    }
  }
}

let sent = 0;

async function send(text) {
  const roomId = $('room').value;
  try {
    await client.sendRoomMessage({ roomId, userId: me, message: { text, clientMessageId: `page-${++sent}` } },
      { headers: authorization() });
  } catch (error) {
    status(describe(error), true);
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
