// Decodes grpc-status-details-bin (a google.rpc.Status) with protobufjs. The contracts' descriptor
// set does not carry google/rpc/*.proto, so the few messages needed are declared here with the
// names and field numbers of googleapis' google/rpc/status.proto and error_details.proto.
import protobuf from 'protobufjs';

const root = protobuf.Root.fromJSON({
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Any: {
              fields: {
                type_url: { type: 'string', id: 1 },
                value: { type: 'bytes', id: 2 },
              },
            },
          },
        },
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: 'int32', id: 1 },
                message: { type: 'string', id: 2 },
                details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
              },
            },
            ErrorInfo: {
              fields: {
                reason: { type: 'string', id: 1 },
                domain: { type: 'string', id: 2 },
                metadata: { keyType: 'string', type: 'string', id: 3 },
              },
            },
            BadRequest: {
              fields: {
                field_violations: { rule: 'repeated', type: 'FieldViolation', id: 1 },
              },
              nested: {
                FieldViolation: {
                  fields: {
                    field: { type: 'string', id: 1 },
                    description: { type: 'string', id: 2 },
                    reason: { type: 'string', id: 3 },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
});

const Status = root.lookupType('google.rpc.Status');
const DETAIL_TYPES = {
  'google.rpc.ErrorInfo': root.lookupType('google.rpc.ErrorInfo'),
  'google.rpc.BadRequest': root.lookupType('google.rpc.BadRequest'),
};

const asObject = (type, bytes) => type.toObject(type.decode(bytes), { defaults: true, arrays: true, objects: true });

/**
 * Decodes one detail: {type, ...fields} for the known types, {type, value} for others.
 * @param {string} typeName full message name (type URL without its prefix)
 */
export function decodeDetail(typeName, value) {
  const type = DETAIL_TYPES[typeName];
  return type ? { type: typeName, ...asObject(type, value) } : { type: typeName, value };
}

/**
 * Decodes a google.rpc.Status.
 * @param {Buffer} bytes the value of grpc-status-details-bin
 * @returns {{code: number, message: string, details: object[]}}
 */
export function decodeStatus(bytes) {
  const status = asObject(Status, bytes);
  return {
    code: status.code,
    message: status.message,
    details: status.details.map((any) => decodeDetail(any.type_url.slice(any.type_url.lastIndexOf('/') + 1), any.value)),
  };
}

/**
 * The rich status of a failed call: grpc-status-details-bin from its trailers, decoded.
 * @param {import('@grpc/grpc-js').ServiceError} error
 */
export function statusDetails(error) {
  const [bytes] = error.metadata?.get('grpc-status-details-bin') ?? [];
  if (!bytes) {
    throw new Error(`no grpc-status-details-bin in the trailers of ${error.code} ${error.details}`);
  }
  return decodeStatus(bytes);
}
