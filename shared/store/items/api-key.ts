import type { Scope } from '@shared/schemas/admin';
import { getItem } from '../get';
import { createPut, deleteItem, plainPut, type Item, type TransactItem } from '../item';
import type { PartnerRecord } from './partner';

/** What a key may do, found by the key's hash: the authorizer's one read. */
export interface Principal {
  partnerId: string;
  role: 'partner' | 'admin';
  scopes: Scope[];
}

export const apiKeyKey = (keyHash: string) => ({ PK: `APIKEY#${keyHash}`, SK: 'APIKEY' });

export const apiKeyToItem = (partner: PartnerRecord): Item => ({
  ...apiKeyKey(partner.keyHash),
  entity: 'apikey',
  partnerId: partner.partnerId,
  scopes: partner.scopes,
  role: partner.role,
});

export const itemToPrincipal = (item: Item): Principal => ({
  partnerId: String(item.partnerId),
  role: item.role === 'admin' ? 'admin' : 'partner',
  scopes: (item.scopes as Scope[] | undefined) ?? [],
});

/** Eventually consistent: a key is read on every request, and a new key may take a moment to work. */
export async function findPrincipalByKeyHash(keyHash: string): Promise<Principal | undefined> {
  const item = await getItem(apiKeyKey(keyHash), { consistent: false });
  return item ? itemToPrincipal(item) : undefined;
}

export const apiKeyCreate = (partner: PartnerRecord): TransactItem => createPut(apiKeyToItem(partner));
export const apiKeyReplace = (partner: PartnerRecord): TransactItem => plainPut(apiKeyToItem(partner));
export const apiKeyDelete = (keyHash: string): TransactItem => deleteItem(apiKeyKey(keyHash));
