// Describing both services through server reflection with @grpc/grpc-js: what grpcurl describe or
// an IDE shows a user, read from the ServerReflectionInfo stream without a token and decoded with
// protobufjs (no descriptor set, no .proto file of the contracts on the client side).
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import { Code } from '../lib/grpc.mjs';
import { expectCase, reflectionClient, ReflectionStream, REFLECTION_VERSIONS } from '../lib/reflection.mjs';

const USER_FILE = 'platform/user/v1/user_service.proto';
const CHAT_FILE = 'platform/chat/v1/chat_service.proto';

/** The services each jar serves, the ones anybody may list without a token included. */
const PUBLIC_SERVICES = ['grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection'];

/** The fields of a decoded descriptor that are set (a descriptor leaves the others out). */
const present = (object) => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));

/** A service as a user reads it: every method with its types and streaming. */
function describeService(file, name) {
  const service = file.service.find((candidate) => candidate.name === name);
  assert.ok(service, `${file.name} declares no service ${name}: ${file.service.map((candidate) => candidate.name)}`);
  return service.method.map((method) => ({
    name: method.name,
    input: method.inputType,
    output: method.outputType,
    clientStreaming: Boolean(method.clientStreaming),
    serverStreaming: Boolean(method.serverStreaming),
  }));
}

/** A message of a file (nested ones by their path: "User.MetadataEntry"). */
function messageOf(file, path) {
  let scope = file.messageType;
  let message;
  for (const name of path.split('.')) {
    message = scope.find((candidate) => candidate.name === name);
    assert.ok(message, `${file.name} declares no message ${path}`);
    scope = message.nestedType;
  }
  return message;
}

/** The fields of a message as the descriptor states them. */
const fieldsOf = (message) => message.field.map(({ name, number, label, type, typeName, oneofIndex, proto3Optional }) =>
  present({ name, number, label, type, typeName, oneofIndex, proto3Optional }));

/** Full names (".package.Message") of the messages and enums the files declare, nested ones too. */
function declaredTypes(files) {
  const names = new Set();
  const add = (prefix, messages, enums) => {
    for (const enumeration of enums) {
      names.add(`${prefix}.${enumeration.name}`);
    }
    for (const message of messages) {
      names.add(`${prefix}.${message.name}`);
      add(`${prefix}.${message.name}`, message.nestedType, message.enumType);
    }
  };
  for (const file of files) {
    add(file.package ? `.${file.package}` : '', file.messageType, file.enumType);
  }
  return names;
}

/** Every type name the file refers to: method inputs and outputs, message and enum fields. */
function referencedTypes(file) {
  const names = new Set();
  const add = (messages) => {
    for (const message of messages) {
      for (const field of message.field) {
        if (field.typeName) {
          names.add(field.typeName);
        }
      }
      add(message.nestedType);
    }
  };
  add(file.messageType);
  for (const service of file.service) {
    for (const method of service.method) {
      names.add(method.inputType);
      names.add(method.outputType);
    }
  }
  return names;
}

/**
 * A file_descriptor_response must be complete: the asked-for file first, every file it imports
 * (transitively) once, so that a client resolves every type without asking again.
 */
function assertSelfContained(files, first) {
  const names = files.map((file) => file.name);
  assert.equal(names[0], first);
  assert.equal(new Set(names).size, names.length, `no file twice: ${names}`);
  for (const file of files) {
    for (const dependency of file.dependency) {
      assert.ok(names.includes(dependency), `${file.name} imports ${dependency}, which the answer lacks: ${names}`);
    }
  }
}

/**
 * Every type the first file of an answer names is declared by one of the answer's files; returns
 * the full names they declare.
 */
function assertResolvesItsTypes(files) {
  const declared = declaredTypes(files);
  for (const name of referencedTypes(files[0])) {
    assert.ok(declared.has(name), `${name}, used by ${files[0].name}, is declared by none of the files returned`);
  }
  return declared;
}

export function reflectionTests(platform) {
  /** One client per service and reflection version: clients[service][version]. */
  const clients = {};
  const streams = [];

  before(() => {
    for (const [service, address] of [['user', platform.userService.address], ['chat', platform.chatService.address]]) {
      clients[service] = Object.fromEntries(REFLECTION_VERSIONS.map((version) => [version, reflectionClient(address, version)]));
    }
  });

  after(() => {
    for (const stream of streams) {
      stream.inbox.call.cancel();
    }
    for (const byVersion of Object.values(clients)) {
      for (const client of Object.values(byVersion)) {
        client.close();
      }
    }
  });

  /** A new ServerReflectionInfo stream of a service, without a token. */
  const open = (service, version = 'v1') => {
    const stream = new ReflectionStream(clients[service][version]);
    streams.push(stream);
    return stream;
  };

  /** Half-closes a stream, which then ends with OK. */
  const closeOk = async (stream) => {
    const { code, details } = await stream.close();
    assert.equal(Code[code], 'OK', details);
  };

  it('list_services names the contract, health and both reflection versions, without a token', async () => {
    for (const [service, contract] of [['user', 'platform.user.v1.UserService'], ['chat', 'platform.chat.v1.ChatService']]) {
      const stream = open(service);
      assert.deepEqual((await stream.listServices()).sort(), [...PUBLIC_SERVICES, contract].sort());
      await closeOk(stream);
    }
  });

  it('file_containing_symbol UserService: the file declares its four methods with their types and streaming', async () => {
    const stream = open('user');
    const [file] = await stream.fileContainingSymbol('platform.user.v1.UserService');
    assert.equal(file.name, USER_FILE);
    assert.equal(file.package, 'platform.user.v1');
    assert.equal(file.syntax, 'proto3');
    assert.deepEqual(file.dependency, ['buf/validate/validate.proto', 'google/api/annotations.proto', 'google/protobuf/timestamp.proto']);
    assert.deepEqual(file.service.map((service) => service.name), ['UserService']);
    const type = (name) => `.platform.user.v1.${name}`;
    assert.deepEqual(describeService(file, 'UserService'), [
      { name: 'GetUser', input: type('GetUserRequest'), output: type('GetUserResponse'), clientStreaming: false, serverStreaming: false },
      { name: 'CreateUser', input: type('CreateUserRequest'), output: type('CreateUserResponse'), clientStreaming: false, serverStreaming: false },
      { name: 'ListUsers', input: type('ListUsersRequest'), output: type('ListUsersResponse'), clientStreaming: false, serverStreaming: true },
      { name: 'ImportUsers', input: type('ImportUsersRequest'), output: type('ImportUsersResponse'), clientStreaming: true, serverStreaming: false },
    ]);
    assert.equal(file.options.javaPackage, 'dev.grpcplatform.proto.user.v1');

    // A method is a symbol too (grpcurl describe platform.user.v1.UserService.GetUser).
    const [ofMethod] = await stream.fileContainingSymbol('platform.user.v1.UserService.GetUser');
    assert.deepEqual(ofMethod, file);
    await closeOk(stream);
  });

  it('the answer carries every file the contract imports, each also fetched with file_by_filename, and resolves every type it names', async () => {
    const stream = open('user');
    const files = await stream.fileContainingSymbol('platform.user.v1.UserService');
    assertSelfContained(files, USER_FILE);
    assert.deepEqual(files.map((file) => file.name).sort(), [
      'buf/validate/validate.proto',
      'google/api/annotations.proto',
      'google/api/http.proto',
      'google/protobuf/descriptor.proto',
      'google/protobuf/duration.proto',
      'google/protobuf/field_mask.proto',
      'google/protobuf/timestamp.proto',
      USER_FILE,
    ]);
    const declared = assertResolvesItsTypes(files);

    for (const dependency of files[0].dependency) {
      const fetched = await stream.fileByFilename(dependency);
      assertSelfContained(fetched, dependency);
      assert.deepEqual(fetched[0], files.find((file) => file.name === dependency), `${dependency} is the same file both ways`);
    }
    const [timestamp] = await stream.fileByFilename('google/protobuf/timestamp.proto');
    assert.deepEqual(fieldsOf(messageOf(timestamp, 'Timestamp')), [
      { name: 'seconds', number: 1, label: 'LABEL_OPTIONAL', type: 'TYPE_INT64' },
      { name: 'nanos', number: 2, label: 'LABEL_OPTIONAL', type: 'TYPE_INT32' },
    ]);
    // The extension that carries the contract's field rules: (buf.validate.field).
    const [validate] = await stream.fileByFilename('buf/validate/validate.proto');
    assert.equal(validate.package, 'buf.validate');
    const field = validate.extension.find((extension) => extension.name === 'field');
    assert.deepEqual(present({ extendee: field.extendee, number: field.number, typeName: field.typeName }),
      { extendee: '.google.protobuf.FieldOptions', number: 1159, typeName: '.buf.validate.FieldRules' });
    assert.ok(declared.has('.buf.validate.FieldRules'));
    await closeOk(stream);
  });

  it('describing platform.user.v1.User shows each field with its number, label and type', async () => {
    const stream = open('user');
    const [file] = await stream.fileContainingSymbol('platform.user.v1.User');
    assert.equal(file.name, USER_FILE);
    const user = messageOf(file, 'User');
    assert.deepEqual(fieldsOf(user), [
      { name: 'id', number: 1, label: 'LABEL_OPTIONAL', type: 'TYPE_INT64' },
      { name: 'name', number: 2, label: 'LABEL_OPTIONAL', type: 'TYPE_STRING' },
      { name: 'email', number: 3, label: 'LABEL_OPTIONAL', type: 'TYPE_STRING' },
      { name: 'status', number: 4, label: 'LABEL_OPTIONAL', type: 'TYPE_ENUM', typeName: '.platform.user.v1.UserStatus' },
      { name: 'roles', number: 5, label: 'LABEL_REPEATED', type: 'TYPE_STRING' },
      // proto3 optional: presence through a synthetic oneof.
      { name: 'phone', number: 6, label: 'LABEL_OPTIONAL', type: 'TYPE_STRING', oneofIndex: 0, proto3Optional: true },
      { name: 'metadata', number: 7, label: 'LABEL_REPEATED', type: 'TYPE_MESSAGE', typeName: '.platform.user.v1.User.MetadataEntry' },
      { name: 'created_at', number: 8, label: 'LABEL_OPTIONAL', type: 'TYPE_MESSAGE', typeName: '.google.protobuf.Timestamp' },
    ]);
    assert.deepEqual(user.oneofDecl.map((oneof) => oneof.name), ['_phone']);
    // map<string, string> metadata: a map entry message of key and value.
    const entry = messageOf(file, 'User.MetadataEntry');
    assert.equal(entry.options?.mapEntry, true);
    assert.deepEqual(fieldsOf(entry), [
      { name: 'key', number: 1, label: 'LABEL_OPTIONAL', type: 'TYPE_STRING' },
      { name: 'value', number: 2, label: 'LABEL_OPTIONAL', type: 'TYPE_STRING' },
    ]);
    const status = file.enumType.find((enumeration) => enumeration.name === 'UserStatus');
    assert.deepEqual(status.value.map(({ name, number }) => [name, number]),
      [['USER_STATUS_UNSPECIFIED', 0], ['USER_STATUS_ACTIVE', 1], ['USER_STATUS_INACTIVE', 2]]);
    await closeOk(stream);
  });

  it('chat-service describes ChatService: Chat bidirectional, SubscribeRoom server-streaming, SendRoomMessage unary', async () => {
    const stream = open('chat');
    const files = await stream.fileContainingSymbol('platform.chat.v1.ChatService');
    assertSelfContained(files, CHAT_FILE);
    const [file] = files;
    assert.equal(file.package, 'platform.chat.v1');
    assert.deepEqual(describeService(file, 'ChatService'), [{
      name: 'Chat',
      input: '.platform.chat.v1.ChatRequest',
      output: '.platform.chat.v1.ChatResponse',
      clientStreaming: true,
      serverStreaming: true,
    }, {
      name: 'SubscribeRoom',
      input: '.platform.chat.v1.SubscribeRoomRequest',
      output: '.platform.chat.v1.SubscribeRoomResponse',
      clientStreaming: false,
      serverStreaming: true,
    }, {
      name: 'SendRoomMessage',
      input: '.platform.chat.v1.SendRoomMessageRequest',
      output: '.platform.chat.v1.SendRoomMessageResponse',
      clientStreaming: false,
      serverStreaming: false,
    }]);
    // The request is a oneof of a join and a message to send.
    const request = messageOf(file, 'ChatRequest');
    assert.deepEqual(request.oneofDecl.map((oneof) => oneof.name), ['action']);
    assert.deepEqual(fieldsOf(request), [
      { name: 'join', number: 1, label: 'LABEL_OPTIONAL', type: 'TYPE_MESSAGE', typeName: '.platform.chat.v1.JoinRoom', oneofIndex: 0 },
      { name: 'send', number: 2, label: 'LABEL_OPTIONAL', type: 'TYPE_MESSAGE', typeName: '.platform.chat.v1.SendMessage', oneofIndex: 0 },
    ]);
    assertResolvesItsTypes(files);
    await closeOk(stream);
  });

  it('an unknown symbol or file is an error_response NOT_FOUND on the stream, which goes on answering', async () => {
    const stream = open('user');
    const unknownSymbol = await stream.ask({ file_containing_symbol: 'platform.user.v1.NoSuchService' });
    assert.deepEqual(expectCase(unknownSymbol, 'error_response'), { error_code: Code.NOT_FOUND, error_message: 'Symbol not found.' });
    assert.equal(unknownSymbol.original_request.file_containing_symbol, 'platform.user.v1.NoSuchService');

    const unknownFile = await stream.ask({ file_by_filename: 'platform/user/v1/no_such_file.proto' });
    assert.deepEqual(expectCase(unknownFile, 'error_response'), { error_code: Code.NOT_FOUND, error_message: 'File not found.' });
    assert.equal(unknownFile.original_request.file_by_filename, 'platform/user/v1/no_such_file.proto');

    // The same stream still describes.
    const [file] = await stream.fileContainingSymbol('platform.user.v1.UserService');
    assert.equal(file.name, USER_FILE);
    assert.ok((await stream.listServices()).includes('platform.user.v1.UserService'));
    await closeOk(stream);
  });

  it('grpc.reflection.v1alpha answers every request exactly as v1 does', async () => {
    for (const [service, requests] of [
      ['user', [
        [{ list_services: '' }, 'list_services_response'],
        [{ file_containing_symbol: 'platform.user.v1.UserService' }, 'file_descriptor_response'],
        [{ file_containing_symbol: 'platform.user.v1.User' }, 'file_descriptor_response'],
        [{ file_by_filename: 'buf/validate/validate.proto' }, 'file_descriptor_response'],
        [{ file_containing_symbol: 'platform.user.v1.NoSuchService' }, 'error_response'],
      ]],
      ['chat', [
        [{ list_services: '' }, 'list_services_response'],
        [{ file_containing_symbol: 'platform.chat.v1.ChatService' }, 'file_descriptor_response'],
        [{ file_by_filename: 'platform/chat/v1/no_such_file.proto' }, 'error_response'],
      ]],
    ]) {
      const v1 = open(service, 'v1');
      const v1alpha = open(service, 'v1alpha');
      for (const [request, answer] of requests) {
        const expected = await v1.ask(request);
        expectCase(expected, answer);
        assert.deepEqual(await v1alpha.ask(request), expected, `${service}-service: ${JSON.stringify(request)}`);
      }
      await closeOk(v1);
      await closeOk(v1alpha);
    }
    // So v1alpha gives the describe of the tests above.
    const v1alpha = open('user', 'v1alpha');
    const [file] = await v1alpha.fileContainingSymbol('platform.user.v1.UserService');
    assert.deepEqual(describeService(file, 'UserService').map(({ name, clientStreaming, serverStreaming }) => [name, clientStreaming, serverStreaming]),
      [['GetUser', false, false], ['CreateUser', false, false], ['ListUsers', false, true], ['ImportUsers', true, false]]);
    await closeOk(v1alpha);
  });
}
