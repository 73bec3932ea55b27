import { DomainError } from '@shared/domain/errors';
import { newPartnerId } from '@shared/ids';
import type { Scope } from '@shared/schemas/admin';
import { apiKeyCreate, apiKeyDelete } from '@shared/store/items/api-key';
import { findPartnerKeyHash, partnerCreate, partnerDelete, type PartnerRecord } from '@shared/store/items/partner';
import { hashApiKey, newApiKey } from '@shared/store/partners';
import { outcome, type UseCase } from './use-case';

export interface CreatedPartner {
  partnerId: string;
  name: string;
  scopes: Scope[];
  apiKey?: string;
  createdAt: string;
}

/** Creates a partner and its key. The key is shown once and stored only as a hash: a replay answers without it. */
export function createPartner(request: { name: string; scopes: Scope[] }): UseCase<CreatedPartner> {
  return () => (at) => {
    const apiKey = newApiKey();
    const partner = { partnerId: newPartnerId(), name: request.name, scopes: request.scopes, apiKey };
    const created = { ...partner, createdAt: at.toISOString() };
    const { apiKey: _shownOnce, ...withoutKey } = created;
    const record: PartnerRecord = { ...withoutKey, role: 'partner', keyHash: hashApiKey(apiKey) };
    return outcome(
      created,
      { writes: [{ item: partnerCreate(record) }, { item: apiKeyCreate(record) }] },
      { replayResult: withoutKey },
    );
  };
}

/** Deletes a partner; its key stops working (the authorizer's cache aside). */
export function deletePartner(partnerId: string): UseCase<undefined> {
  const notFound = () => new DomainError('partner-not-found', `No partner ${partnerId}.`);
  return () => async () => {
    const keyHash = await findPartnerKeyHash(partnerId);
    if (keyHash === undefined) throw notFound();
    return outcome(undefined, {
      writes: [{ item: partnerDelete(partnerId), onConditionFailed: notFound }, { item: apiKeyDelete(keyHash) }],
    });
  };
}
