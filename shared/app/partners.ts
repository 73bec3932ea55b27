import { randomBytes } from 'node:crypto';
import { DomainError } from '@shared/domain/errors';
import { newPartnerId } from '@shared/ids';
import type { Scope } from '@shared/schemas/admin';
import type { ConditionalWrite } from '@shared/store/commit';
import { apiKeyCreate, apiKeyDelete, apiKeyExpiring } from '@shared/store/items/api-key';
import {
  findPartner,
  listPartners as listPartnerRecords,
  partnerCreate,
  partnerDelete,
  partnerUpdate,
  type PartnerRecord,
  type RateLimit,
} from '@shared/store/items/partner';
import { hashApiKey, newApiKey } from '@shared/store/partners';
import { defaultRateLimit, partnerThrottles } from './support/partner-throttles';
import { idempotencyKeyUsed } from './support/execute';
import { outcome, type UseCase } from './support/outcome';

export interface CreatedPartner {
  partnerId: string;
  name: string;
  scopes: Scope[];
  rateLimit: RateLimit;
  apiKey?: string;
  createdAt: string;
}

/** How long a key replaced by a rotation keeps working, so partners can roll the new one out. */
export const KEY_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** The identifier of a partner's own usage plan: not a secret (the gateway takes it only from the authorizer). */
const newUsageKey = () => `usage_${randomBytes(24).toString('base64url')}`;

/**
 * Creates a partner, its key and its own throttle. The key is shown once and stored only as a
 * hash: a replay answers without it. The throttle is provisioned before the write (a failure
 * leaves no partner); a replay is recognised first and provisions nothing.
 */
export function createPartner(request: {
  name: string;
  scopes: Scope[];
  rateLimit?: RateLimit;
}): UseCase<CreatedPartner> {
  return async (caller) => {
    const partnerId = newPartnerId();
    const usageKey = newUsageKey();
    const rateLimit = request.rateLimit ?? defaultRateLimit();
    const replay = await idempotencyKeyUsed(caller);
    const throttleIds = replay ? {} : await partnerThrottles().provision({ partnerId, usageKey, rateLimit });
    return (at) => {
      const apiKey = newApiKey();
      const created = {
        partnerId,
        name: request.name,
        scopes: request.scopes,
        rateLimit,
        apiKey,
        createdAt: at.toISOString(),
      };
      const { apiKey: _shownOnce, ...withoutKey } = created;
      const record: PartnerRecord = {
        ...withoutKey,
        role: 'partner',
        keyHash: hashApiKey(apiKey),
        usageKey,
        throttleIds,
      };
      return outcome(
        created,
        {
          writes: [{ item: partnerCreate(record) }, { item: apiKeyCreate(record) }],
          audit: {
            kind: 'partner.created',
            target: `partner:${partnerId}`,
            summary: `Partner ${partnerId} created with scopes ${request.scopes.join(' ') || '(none)'}`,
          },
        },
        { replayResult: withoutKey },
      );
    };
  };
}

const partnerNotFound = (partnerId: string) => new DomainError('partner-not-found', `No partner ${partnerId}.`);

/** Deletes a partner; its keys stop working (the authorizer's cache aside), then its throttle is removed. */
export function deletePartner(partnerId: string): UseCase<undefined> {
  return () => async () => {
    const partner = await findPartner(partnerId);
    if (!partner) throw partnerNotFound(partnerId);
    const writes: ConditionalWrite[] = [
      { item: partnerDelete(partnerId), onConditionFailed: () => partnerNotFound(partnerId) },
      { item: apiKeyDelete(partner.keyHash) },
    ];
    if (partner.previousKeyHash) writes.push({ item: apiKeyDelete(partner.previousKeyHash) });
    const throttleIds = partner.throttleIds;
    return outcome(
      undefined,
      {
        writes,
        audit: { kind: 'partner.deleted', target: `partner:${partnerId}`, summary: `Partner ${partnerId} deleted` },
      },
      // After the commit: a failed delete never leaves a live partner without its throttle.
      throttleIds ? { afterCommit: () => partnerThrottles().remove({ partnerId, throttleIds }) } : {},
    );
  };
}

/**
 * A new key for the partner, shown once (a replay answers without it). The old key keeps
 * working for 24 hours; a key from a rotation before that stops now, so there are never
 * more than two.
 */
export function rotatePartnerKey(partnerId: string): UseCase<{ apiKey?: string }> {
  return () => async () => {
    const partner = await findPartner(partnerId);
    if (!partner) throw partnerNotFound(partnerId);
    // The authorizer checks expiry against the system clock, so the grace is counted from it too:
    // the local test clock (which may run days ahead or behind) must not cut or stretch it.
    const expiresAt = new Date(Date.now() + KEY_OVERLAP_MS);
    const apiKey = newApiKey();
    const rotated: PartnerRecord = { ...partner, keyHash: hashApiKey(apiKey), previousKeyHash: partner.keyHash };
    const writes: ConditionalWrite[] = [
      { item: partnerUpdate(rotated, partner.version ?? 1), onConditionFailed: () => partnerNotFound(partnerId) },
      { item: apiKeyCreate(rotated) },
      { item: apiKeyExpiring(partner, partner.keyHash, expiresAt) },
    ];
    if (partner.previousKeyHash) writes.push({ item: apiKeyDelete(partner.previousKeyHash) });
    const audit = {
      kind: 'partner.key-rotated',
      target: `partner:${partnerId}`,
      summary: `Key of partner ${partnerId} rotated; the old key works until ${expiresAt.toISOString()}`,
    } as const;
    return outcome({ apiKey }, { writes, audit }, { replayResult: {} });
  };
}

/** The partners and the admin keys (by `role`), newest first; never a key or its hash. */
export async function listPartners(page: { limit: number; cursor?: string | undefined }) {
  const found = await listPartnerRecords(page.limit, page.cursor);
  return {
    ...found,
    items: found.items.map(({ partnerId, name, role, scopes, rateLimit, createdAt }) => ({
      partnerId,
      name,
      role,
      scopes,
      ...(rateLimit ? { rateLimit } : {}),
      createdAt,
    })),
  };
}
