import { createLocalJWKSet, errors, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { SESSION_AUDIENCE, SESSION_ISSUER, type SessionClaims } from '@shared/domain/member-session';
import { sessionKeys } from './keys';
import { derToJose } from './signature';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A compact JWS (RFC 7515) of the claims, signed ES256 by the region's signing key. jose cannot
 * sign with a key it does not hold, and KMS keys never leave KMS: the signing input is assembled
 * here and signed by KMS `Sign` (or the local key); every verification is jose's.
 */
export async function signSessionToken(claims: SessionClaims): Promise<string> {
  const keys = await sessionKeys();
  const input = `${base64url({ alg: 'ES256', typ: 'JWT', kid: keys.signingKeyId })}.${base64url(claims)}`;
  const signature = derToJose(await keys.signDer(new TextEncoder().encode(input)));
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

/** The region's public keys (GET /.well-known/jwks.json). */
export async function sessionJwks(): Promise<{ keys: JWK[] }> {
  return { keys: await (await sessionKeys()).publicKeys() };
}

let verifier: { keys: JWK[]; jwks: ReturnType<typeof createLocalJWKSet> } | undefined;

/**
 * The claims of a token signed by one of the region's keys, not expired at `now`, issued by us for
 * the /v1/me routes; undefined for anything else (altered, foreign-signed, expired, another `alg`).
 * A failure to read the keys is not the token's fault: it is thrown (a 500, not a 401).
 */
export async function verifySessionToken(token: string, now: Date): Promise<JWTPayload | undefined> {
  const keys = await (await sessionKeys()).publicKeys();
  if (verifier?.keys !== keys) verifier = { keys, jwks: createLocalJWKSet({ keys }) };
  try {
    const { payload } = await jwtVerify(token, verifier.jwks, {
      algorithms: ['ES256'],
      issuer: SESSION_ISSUER,
      audience: SESSION_AUDIENCE,
      currentDate: now,
      requiredClaims: ['sub', 'azp', 'iat', 'exp', 'jti'],
    });
    return payload;
  } catch (error) {
    if (error instanceof errors.JOSEError) return undefined;
    throw error;
  }
}

/** Three base64url parts: a JWT, not an API key (`rk_…`). */
export const looksLikeJwt = (token: string) => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
