// Builds the chat page into chat-service's static resources (run by Maven in process-resources):
// generates the client code from the contract's descriptor set with protoc-gen-es, bundles
// src/chat.js with @connectrpc/connect-web and @bufbuild/protobuf into one file with esbuild, and
// copies index.html beside it. Nothing is loaded from elsewhere at run time.
//   node build.mjs [descriptor set] [output directory]
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const descriptorSet = path.resolve(process.argv[2] ?? path.join(here, '..', '..', 'proto', 'target', 'grpc-platform-proto.binpb'));
const output = path.resolve(process.argv[3] ?? path.join(here, '..', 'target', 'classes', 'static'));

if (!existsSync(descriptorSet)) {
  console.error(`${descriptorSet} is missing: build the proto module first (./mvnw -pl chat-service -am package)`);
  process.exit(1);
}
rmSync(path.join(here, 'target', 'generated'), { recursive: true, force: true });
execFileSync(path.join(here, 'node_modules', '.bin', 'buf'),
  ['generate', descriptorSet, '--path', 'platform/chat/v1/chat_service.proto'],
  { cwd: here, stdio: 'inherit', env: { ...process.env, PATH: `${path.join(here, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}` } });

mkdirSync(output, { recursive: true });
await build({
  entryPoints: [path.join(here, 'src', 'chat.js')],
  outfile: path.join(output, 'chat.js'),
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: true,
  sourcemap: false,
  legalComments: 'eof',
  logLevel: 'warning',
});
copyFileSync(path.join(here, 'src', 'index.html'), path.join(output, 'index.html'));
console.log(`chat page built into ${output}`);
