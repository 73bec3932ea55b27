/**
 * Envelope encryption of secrets at rest (webhook signing secrets): each value is sealed with its
 * own AES-256-GCM data key, and only the data key wrapped by the region's key is stored beside it.
 * On AWS the region's key is a KMS key only the functions that need the secrets may use
 * (./kms-data-keys.ts); locally (`npm start`, the tests) a key held by the process
 * (./local-data-keys.ts) wraps the data keys, so both run the same sealing code (./envelope.ts).
 */
export interface DataKeys {
  /** A fresh 256-bit data key: in clear (used once, then dropped) and wrapped for storage. */
  generate(context: Readonly<Record<string, string>>): Promise<{ plaintext: Uint8Array; wrapped: Uint8Array }>;
  /** The data key inside `wrapped`; fails unless `context` is the one it was generated with. */
  unwrap(wrapped: Uint8Array, context: Readonly<Record<string, string>>): Promise<Uint8Array>;
}

/** The ARN of the region's KMS key for webhook secrets (the stack sets it on the functions allowed to use it). */
export const WEBHOOK_SECRETS_KEY_ENV = 'WEBHOOK_SECRETS_KEY_ARN';

let installed: DataKeys | undefined;

/** The local stack (and tests that call use cases directly) install a local key here. */
export function useDataKeys(next: DataKeys | undefined): void {
  installed = next;
}

export const installedDataKeys = (): DataKeys | undefined => installed;

/** The keys in use: installed ones, else the region's KMS key named by WEBHOOK_SECRETS_KEY_ARN. */
export async function dataKeys(): Promise<DataKeys> {
  if (installed) return installed;
  const arn = process.env[WEBHOOK_SECRETS_KEY_ENV];
  if (!arn) throw new Error(`No key for secrets at rest: ${WEBHOOK_SECRETS_KEY_ENV} is not set`);
  // Loaded on first use: the functions that never seal or open a secret never load the KMS client.
  const { KmsDataKeys } = await import('./kms-data-keys');
  installed = new KmsDataKeys(arn);
  return installed;
}
