import type { Principal, RateLimit } from '@shared/domain/principal';
import type { Scope } from '@shared/schemas/admin';
import { getItem } from '../get';
import { createPut, deleteItem, plainPut, type Item, type TransactItem } from '../item';
import type { PartnerRecord } from './partner';

export const apiKeyKey = (keyHash: string) => ({ PK: `APIKEY#${keyHash}`, SK: 'APIKEY' });

/** The key item carries what the authorizer needs (scopes, throttle), so a request costs one read. */
export const apiKeyToItem = (partner: PartnerRecord, keyHash = partner.keyHash): Item => ({
  ...apiKeyKey(keyHash),
  entity: 'apikey',
  partnerId: partner.partnerId,
  scopes: partner.scopes,
  role: partner.role,
  ...(partner.rateLimit ? { rateLimit: partner.rateLimit } : {}),
  ...(partner.usageKey ? { usageKey: partner.usageKey } : {}),
});

export const itemToPrincipal = (item: Item): Principal => ({
  partnerId: String(item.partnerId),
  role: item.role === 'admin' ? 'admin' : 'partner',
  scopes: (item.scopes as Scope[] | undefined) ?? [],
  ...(item.rateLimit ? { rateLimit: item.rateLimit as RateLimit } : {}),
  ...(typeof item.usageKey === 'string' ? { usageKey: item.usageKey } : {}),
});

/**
 * Eventually consistent: a key is read on every request, and a new key may take a moment to work.
 * A key replaced by a rotation works until its `expiresAt`; its `ttl` lets DynamoDB remove it later.
 */
export async function findPrincipalByKeyHash(keyHash: string, now = new Date()): Promise<Principal | undefined> {
  const item = await getItem(apiKeyKey(keyHash), { consistent: false });
  if (!item) return undefined;
  if (typeof item.expiresAt === 'string' && Date.parse(item.expiresAt) <= now.getTime()) return undefined;
  return itemToPrincipal(item);
}

/** When a key replaced by a rotation stops working (undefined: no such key item, or one that never expires). */
export async function apiKeyExpiry(keyHash: string): Promise<Date | undefined> {
  const item = await getItem(apiKeyKey(keyHash));
  return typeof item?.expiresAt === 'string' ? new Date(item.expiresAt) : undefined;
}

export const apiKeyCreate = (partner: PartnerRecord): TransactItem => createPut(apiKeyToItem(partner));
export const apiKeyReplace = (partner: PartnerRecord): TransactItem => plainPut(apiKeyToItem(partner));
export const apiKeyDelete = (keyHash: string): TransactItem => deleteItem(apiKeyKey(keyHash));
/** The replaced key keeps working until `expiresAt`. */
export const apiKeyExpiring = (partner: PartnerRecord, keyHash: string, expiresAt: Date): TransactItem =>
  plainPut({
    ...apiKeyToItem(partner, keyHash),
    expiresAt: expiresAt.toISOString(),
    ttl: Math.ceil(expiresAt.getTime() / 1000),
  });
