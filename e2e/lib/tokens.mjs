// Development tokens: HS256 JWTs as dev.grpcplatform.starter.security.DevelopmentTokens mints them,
// signed here with node:crypto (so the suite can also mint expired, wrongly signed and
// scope-less tokens), or by the jar's own DevelopmentTokens command line.
import { createHmac, randomUUID } from 'node:crypto';

import { javaExecutable, jars, run } from './platform.mjs';

/** DevelopmentTokens.SECRET: public knowledge, accepted only under the dev or local profile. */
export const DEVELOPMENT_SECRET = 'grpc-platform-development-secret-not-for-production';

/** DevelopmentTokens.ISSUER. */
export const DEVELOPMENT_ISSUER = 'grpc-platform-dev';

const base64url = (value) => Buffer.from(value).toString('base64url');

/**
 * Mints a token with the claims DevelopmentTokens writes (jti, sub, iat, exp, iss, scope).
 * @param {{subject?: string, scopes?: string[], secret?: string, expiresInSeconds?: number}} options
 *   expiresInSeconds below zero gives a token that has expired already
 */
export function mintToken({ subject = 'e2e', scopes = [], secret = DEVELOPMENT_SECRET, expiresInSeconds = 3600 } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const expiry = now + expiresInSeconds;
  const claims = {
    jti: randomUUID(),
    sub: subject,
    iat: expiresInSeconds > 0 ? now : expiry - 3600,
    exp: expiry,
    iss: DEVELOPMENT_ISSUER,
  };
  if (scopes.length > 0) {
    claims.scope = scopes.join(' ');
  }
  const signingInput = `${base64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }))}.${base64url(JSON.stringify(claims))}`;
  const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/**
 * Mints a token with the service jar's DevelopmentTokens main class, as the README tells users to.
 */
export async function mintTokenWithJar(subject, ...scopes) {
  const { code, stdout, stderr } = await run(javaExecutable(), ['-cp', jars.userService,
    '-Dloader.main=dev.grpcplatform.starter.security.DevelopmentTokens',
    'org.springframework.boot.loader.launch.PropertiesLauncher', subject, ...scopes]);
  if (code !== 0) {
    throw new Error(`DevelopmentTokens exited with ${code}: ${stderr}${stdout}`);
  }
  return stdout.trim();
}
