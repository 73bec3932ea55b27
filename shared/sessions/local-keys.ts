import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { SessionKeys } from './keys';

/**
 * A P-256 key pair generated when the local stack starts (never stored, never in code): tokens
 * die with the process, as they would with a region's retired key. It signs in DER like KMS does,
 * so the local runtime and the tests run the same JWS assembly as the deployed functions.
 */
export class LocalSessionKeys implements SessionKeys {
  private constructor(
    private readonly privateKey: KeyObject,
    private readonly publicJwk: JWK,
  ) {}

  static async generate(): Promise<LocalSessionKeys> {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' }) as JWK;
    const kid = `local-${await calculateJwkThumbprint(jwk)}`;
    return new LocalSessionKeys(privateKey, { ...jwk, kid, alg: 'ES256', use: 'sig' });
  }

  get signingKeyId(): string {
    return this.publicJwk.kid ?? '';
  }

  signDer(input: Uint8Array): Promise<Uint8Array> {
    return Promise.resolve(sign('sha256', input, { key: this.privateKey, dsaEncoding: 'der' }));
  }

  publicKeys(): Promise<JWK[]> {
    return Promise.resolve([this.publicJwk]);
  }
}
