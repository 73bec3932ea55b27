import { createHash, randomBytes } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Scope } from '@shared/schemas/admin';
import { store } from './client';
import { apiKeyReplace, findPrincipalByKeyHash, type Principal } from './items/api-key';
import { partnerReplace, type PartnerRecord } from './items/partner';
import type { TransactItem } from './item';

export type { Principal };

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

/** Seeds a key whose value is known (local keys, the first admin key of a region); replaces an earlier one of the same partner id. */
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
  const send = (item: TransactItem) => client.send(new PutCommand(item.Put as NonNullable<TransactItem['Put']>));
  await send(partnerReplace(partner));
  await send(apiKeyReplace(partner));
}
