// gRPC server reflection from @grpc/grpc-js, as a client that describes an API sees it: the
// ServerReflectionInfo stream of grpc.reflection.v1 or v1alpha, its answers and the
// FileDescriptorProtos they carry, decoded with protobufjs's descriptor extension.
//
// The contracts' descriptor set does not carry grpc/reflection/*.proto, so the request and response
// messages are declared here, written from the public specification (grpc/grpc's
// doc/server-reflection.md and the reflection.proto it defines in grpc/grpc-proto) with its message
// names and field numbers; the same messages serve v1 and v1alpha, only the package differs.
import * as protoLoader from '@grpc/proto-loader';
import descriptor from 'protobufjs/ext/descriptor/index.js';

import { bidiStream, grpc } from './grpc.mjs';

/** The reflection messages and service in protobufjs's JSON form (one package's worth). */
function reflectionPackage() {
  return {
    nested: {
      ServerReflectionRequest: {
        oneofs: {
          message_request: {
            oneof: ['file_by_filename', 'file_containing_symbol', 'file_containing_extension',
              'all_extension_numbers_of_type', 'list_services'],
          },
        },
        fields: {
          host: { type: 'string', id: 1 },
          file_by_filename: { type: 'string', id: 3 },
          file_containing_symbol: { type: 'string', id: 4 },
          file_containing_extension: { type: 'ExtensionRequest', id: 5 },
          all_extension_numbers_of_type: { type: 'string', id: 6 },
          list_services: { type: 'string', id: 7 },
        },
      },
      ExtensionRequest: {
        fields: {
          containing_type: { type: 'string', id: 1 },
          extension_number: { type: 'int32', id: 2 },
        },
      },
      ServerReflectionResponse: {
        oneofs: {
          message_response: {
            oneof: ['file_descriptor_response', 'all_extension_numbers_response', 'list_services_response', 'error_response'],
          },
        },
        fields: {
          valid_host: { type: 'string', id: 1 },
          original_request: { type: 'ServerReflectionRequest', id: 2 },
          file_descriptor_response: { type: 'FileDescriptorResponse', id: 4 },
          all_extension_numbers_response: { type: 'ExtensionNumberResponse', id: 5 },
          list_services_response: { type: 'ListServiceResponse', id: 6 },
          error_response: { type: 'ErrorResponse', id: 7 },
        },
      },
      FileDescriptorResponse: {
        fields: {
          // Serialized google.protobuf.FileDescriptorProto, each.
          file_descriptor_proto: { rule: 'repeated', type: 'bytes', id: 1 },
        },
      },
      ExtensionNumberResponse: {
        fields: {
          base_type_name: { type: 'string', id: 1 },
          extension_number: { rule: 'repeated', type: 'int32', id: 2 },
        },
      },
      ListServiceResponse: {
        fields: {
          service: { rule: 'repeated', type: 'ServiceResponse', id: 1 },
        },
      },
      ServiceResponse: {
        fields: {
          name: { type: 'string', id: 1 },
        },
      },
      ErrorResponse: {
        fields: {
          error_code: { type: 'int32', id: 1 },
          error_message: { type: 'string', id: 2 },
        },
      },
      ServerReflection: {
        methods: {
          ServerReflectionInfo: {
            requestType: 'ServerReflectionRequest',
            requestStream: true,
            responseType: 'ServerReflectionResponse',
            responseStream: true,
          },
        },
      },
    },
  };
}

/** The reflection versions the services serve. */
export const REFLECTION_VERSIONS = ['v1', 'v1alpha'];

let reflection;

function loadReflection() {
  if (!reflection) {
    const definition = protoLoader.fromJSON({
      nested: {
        grpc: {
          nested: {
            reflection: { nested: Object.fromEntries(REFLECTION_VERSIONS.map((version) => [version, reflectionPackage()])) },
          },
        },
      },
    }, {
      // Like the contracts in grpc.mjs: every field present, the name of the oneof case set.
      defaults: true,
      oneofs: true,
    });
    reflection = grpc.loadPackageDefinition(definition).grpc.reflection;
  }
  return reflection;
}

/** A client of grpc.reflection.<version>.ServerReflection at host:port (plaintext). */
export function reflectionClient(address, version = 'v1') {
  return new (loadReflection()[version].ServerReflection)(address, grpc.credentials.createInsecure());
}

/**
 * Decodes a serialized google.protobuf.FileDescriptorProto into a plain object with protobufjs's
 * names (messageType, inputType, clientStreaming, ...): enums by name, 64-bit numbers as strings,
 * fields the file does not set left out (as a descriptor states them).
 */
export function decodeFileDescriptor(bytes) {
  const type = descriptor.FileDescriptorProto;
  return type.toObject(type.decode(bytes), { enums: String, longs: String, arrays: true });
}

/**
 * One ServerReflectionInfo stream without a token: one request at a time, each answered by the
 * next response of the stream (the protocol answers requests in order, one response each).
 */
export class ReflectionStream {
  constructor(client) {
    this.inbox = bidiStream(client, 'serverReflectionInfo');
  }

  /** Sends a ServerReflectionRequest and returns its ServerReflectionResponse. */
  async ask(request) {
    this.inbox.call.write(request);
    return this.inbox.next();
  }

  /** list_services: the service names, in the order the server lists them. */
  async listServices() {
    const response = await this.ask({ list_services: '' });
    return expectCase(response, 'list_services_response').service.map((service) => service.name);
  }

  /** file_containing_symbol: the decoded files of the answer, the one that declares symbol first. */
  async fileContainingSymbol(symbol) {
    return this.files(await this.ask({ file_containing_symbol: symbol }));
  }

  /** file_by_filename: the decoded files of the answer, the named one first. */
  async fileByFilename(name) {
    return this.files(await this.ask({ file_by_filename: name }));
  }

  files(response) {
    return expectCase(response, 'file_descriptor_response').file_descriptor_proto.map(decodeFileDescriptor);
  }

  /** Half-closes the stream; resolves its status. */
  close() {
    this.inbox.call.end();
    return this.inbox.end();
  }
}

/** The message_response of a response, which must be the expected case. */
export function expectCase(response, expected) {
  if (response.message_response !== expected) {
    throw new Error(`expected a ${expected}, got ${JSON.stringify(response)}`);
  }
  return response[expected];
}
