import type { StoredSecret } from '@shared/domain/webhooks';
import { open, seal, type Sealed } from './envelope';

/**
 * An endpoint's signing secrets as the table holds them: sealed (envelope-encrypted, bound to the
 * endpoint's id), or in clear as endpoints created before sealing were stored. Those keep signing
 * and are sealed by their endpoint's next change, or by the migration (`sealPlaintextWebhookSecrets`).
 */
export type StoredSecrets = { sealed: Sealed } | { plaintext: StoredSecret[] };

const context = (webhookId: string) => ({ purpose: 'webhook-signing-secrets', webhookId });

export async function sealWebhookSecrets(webhookId: string, secrets: readonly StoredSecret[]): Promise<Sealed> {
  return seal(JSON.stringify(secrets), context(webhookId));
}

export async function openWebhookSecrets(webhookId: string, stored: StoredSecrets): Promise<StoredSecret[]> {
  if ('plaintext' in stored) return stored.plaintext;
  return JSON.parse(await open(stored.sealed, context(webhookId))) as StoredSecret[];
}

/** The sealed form of stored secrets: sealed ones as they are (no key call), clear ones sealed now. */
export async function sealedForm(webhookId: string, stored: StoredSecrets): Promise<Sealed> {
  return 'sealed' in stored ? stored.sealed : sealWebhookSecrets(webhookId, stored.plaintext);
}
