import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { DataKeys } from './data-keys';

/**
 * Data keys from the region's symmetric KMS key: GenerateDataKey (AES_256) to seal, Decrypt to
 * open, both bound to an encryption context (KMS refuses a context other than the sealing one,
 * and CloudTrail records it: which endpoint's secret was opened, never the secret).
 */
export class KmsDataKeys implements DataKeys {
  private readonly client: KMSClient;

  constructor(
    private readonly keyArn: string,
    client?: KMSClient,
  ) {
    this.client = client ?? new KMSClient({ maxAttempts: 2 });
  }

  async generate(context: Readonly<Record<string, string>>) {
    const answer = await this.client.send(
      new GenerateDataKeyCommand({ KeyId: this.keyArn, KeySpec: 'AES_256', EncryptionContext: { ...context } }),
    );
    if (!answer.Plaintext || !answer.CiphertextBlob) throw new Error('KMS answered no data key');
    return { plaintext: answer.Plaintext, wrapped: answer.CiphertextBlob };
  }

  async unwrap(wrapped: Uint8Array, context: Readonly<Record<string, string>>): Promise<Uint8Array> {
    const answer = await this.client.send(
      new DecryptCommand({ KeyId: this.keyArn, CiphertextBlob: wrapped, EncryptionContext: { ...context } }),
    );
    if (!answer.Plaintext) throw new Error('KMS answered no plaintext');
    return answer.Plaintext;
  }
}
