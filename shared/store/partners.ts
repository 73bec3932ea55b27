import { createHash, randomBytes } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Scope } from '@shared/schemas/admin';
import { store } from './client';
import type { Principal } from '@shared/domain/principal';
import { apiKeyDelete, apiKeyReplace, findPrincipalByKeyHash } from './items/api-key';
import { findPartner, partnerReplace, type PartnerRecord } from './items/partner';
import type { TransactItem } from './item';

/** Keys are stored only as their SHA-256 hash; the key itself is shown once at creation. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

export function newApiKey(): string {
  return `rk_${randomBytes(24).toString('base64url')}`;
}

export async function findPrincipal(apiKey: string, now = new Date()): Promise<Principal | undefined> {
  return findPrincipalByKeyHash(hashApiKey(apiKey), now);
}

/**
 * Seeds a key whose value is known (local keys, the first admin key of a region). It replaces an
 * earlier one of the same partner id, and that one's keys stop working: starting `npm start`
 * again with another LOCAL_ADMIN_KEY must not leave the old key valid.
 */
export async function putKnownKey(input: {
  partnerId: string;
  name: string;
  scopes: Scope[];
  apiKey: string;
  role: 'partner' | 'admin';
}): Promise<void> {
  const { client } = store();
  const { apiKey, ...rest } = input;
  const partner: PartnerRecord = { ...rest, keyHash: hashApiKey(apiKey), createdAt: new Date().toISOString() };
  const earlier = await findPartner(partner.partnerId);
  const send = (item: TransactItem) => client.send(new PutCommand(item.Put as NonNullable<TransactItem['Put']>));
  await send(partnerReplace(partner));
  await send(apiKeyReplace(partner));
  // The new key works first, then the earlier ones (its own and one left from a rotation) are removed.
  const replaced = [earlier?.keyHash, earlier?.previousKeyHash].filter(
    (keyHash): keyHash is string => keyHash !== undefined && keyHash !== partner.keyHash,
  );
  for (const keyHash of replaced) {
    const item = apiKeyDelete(keyHash).Delete as NonNullable<TransactItem['Delete']>;
    await client.send(new DeleteCommand(item));
  }
}
