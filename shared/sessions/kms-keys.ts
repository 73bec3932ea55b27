import { createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import type { JWK } from 'jose';
import type { SessionKeys } from './keys';

/** `arn:aws:kms:<region>:<account>:key/<key id>` → the key id: not secret, and stable for the key's life. */
export function kmsKeyId(arn: string): string {
  const id = arn.split('/').pop();
  if (!id) throw new Error(`Not a KMS key ARN: ${arn}`);
  return id;
}

/** A SubjectPublicKeyInfo (DER, what KMS GetPublicKey answers) as a public JWK for ES256. */
export function spkiToJwk(spki: Uint8Array, kid: string): JWK {
  const jwk = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).export({ format: 'jwk' });
  return { ...jwk, kid, alg: 'ES256', use: 'sig' };
}

/**
 * The region's KMS keys (ECC_NIST_P256, SIGN_VERIFY), the signing key first. Signing is one KMS
 * `Sign` per session; the public keys are read once per container (a key's public half never changes).
 */
export class KmsSessionKeys implements SessionKeys {
  private readonly client: KMSClient;
  private publicKeysRead: Promise<JWK[]> | undefined;

  constructor(
    private readonly keyArns: readonly string[],
    client?: KMSClient,
  ) {
    this.client = client ?? new KMSClient({ maxAttempts: 2 });
  }

  get signingKeyId(): string {
    return kmsKeyId(this.signingKeyArn);
  }

  private get signingKeyArn(): string {
    const arn = this.keyArns[0];
    if (!arn) throw new Error('No member session signing key');
    return arn;
  }

  async signDer(input: Uint8Array): Promise<Uint8Array> {
    const { Signature } = await this.client.send(
      new SignCommand({
        KeyId: this.signingKeyArn,
        Message: input,
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    if (!Signature) throw new Error('KMS answered no signature');
    return Signature;
  }

  publicKeys(): Promise<JWK[]> {
    this.publicKeysRead ??= Promise.all(
      this.keyArns.map(async (arn) => {
        const { PublicKey } = await this.client.send(new GetPublicKeyCommand({ KeyId: arn }));
        if (!PublicKey) throw new Error(`KMS answered no public key for ${arn}`);
        return spkiToJwk(PublicKey, kmsKeyId(arn));
      }),
    ).catch((error: unknown) => {
      // A failed read is not kept: the next request asks KMS again.
      this.publicKeysRead = undefined;
      throw error;
    });
    return this.publicKeysRead;
  }
}
