import type { JWK } from 'jose';

/**
 * The keys member session tokens are signed with. On AWS they are KMS asymmetric keys of the
 * region (./kms-keys.ts): the private half never leaves KMS, so no function, log or template can
 * hold it. Locally (`npm start`, the tests) a key pair is generated at start (./local-keys.ts).
 */
export interface SessionKeys {
  /** The `kid` of the key that signs new sessions. */
  readonly signingKeyId: string;
  /** An ES256 (ECDSA P-256, SHA-256) signature of `input` by the signing key, DER-encoded as KMS `Sign` answers. */
  signDer(input: Uint8Array): Promise<Uint8Array>;
  /**
   * Every key a live token may carry in its `kid`, as public JWKs: the signing key first, then the
   * ones it replaced (a rotation keeps the old key here until its last token has expired).
   */
  publicKeys(): Promise<JWK[]>;
}

/** The region's key ARNs, the signing key first (the stack sets it from the region's settings). */
export const SESSION_KEYS_ENV = 'SESSION_KEY_ARNS';

let keys: SessionKeys | undefined;

/** The local stack (and tests that call handlers directly) install generated keys here. */
export function useSessionKeys(next: SessionKeys | undefined): void {
  keys = next;
}

/** The keys installed with useSessionKeys, if any. */
export const installedSessionKeys = (): SessionKeys | undefined => keys;

/** The keys in use: installed ones, else the region's KMS keys named by SESSION_KEY_ARNS. */
export async function sessionKeys(): Promise<SessionKeys> {
  if (keys) return keys;
  const arns = (process.env[SESSION_KEYS_ENV] ?? '').split(/\s+/).filter(Boolean);
  if (arns.length === 0) throw new Error(`No member session keys: ${SESSION_KEYS_ENV} is not set`);
  // Loaded on first use: the KMS client costs nothing at init for the requests that never need it.
  const { KmsSessionKeys } = await import('./kms-keys');
  keys = new KmsSessionKeys(arns);
  return keys;
}
