import { randomBytes } from 'node:crypto';
import { DomainError } from '@shared/domain/errors';
import { newPartnerId } from '@shared/ids';
import type { Scope } from '@shared/schemas/admin';
import type { ConditionalWrite } from '@shared/store/commit';
import { apiKeyCreate, apiKeyDelete, apiKeyExpiring, apiKeyExpiry, apiKeyReplace } from '@shared/store/items/api-key';
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

export interface PartnerView {
  partnerId: string;
  name: string;
  role: PartnerRecord['role'];
  scopes: Scope[];
  rateLimit?: RateLimit;
  createdAt: string;
}

/** What the admin routes show of a partner: never a key, its hash or its throttle's ids. */
const partnerView = ({ partnerId, name, role, scopes, rateLimit, createdAt }: PartnerRecord): PartnerView => ({
  partnerId,
  name,
  role,
  scopes,
  ...(rateLimit ? { rateLimit } : {}),
  createdAt,
});

const limitText = (limit: RateLimit | undefined) => (limit ? `${limit.perSecond}/s burst ${limit.burst}` : 'none');

/**
 * Changes a partner's name, scopes or own limit; its key stays the same. The key items carry
 * the scopes and the limit the authorizer reads, so they are rewritten with the partner (the
 * key replaced by a rotation too, until its expiry). The usage plan on AWS is changed before the
 * write, as creation provisions it before: a failed write leaves the plan at a limit the next
 * attempt sets again, a failed change leaves everything as it was. An admin key has every scope
 * and the region's limit: only its name changes (409 otherwise).
 */
export function updatePartner(
  partnerId: string,
  request: { name?: string | undefined; scopes?: Scope[] | undefined; rateLimit?: RateLimit | undefined },
): UseCase<PartnerView> {
  return () => async () => {
    const partner = await findPartner(partnerId);
    if (!partner) throw partnerNotFound(partnerId);
    if (partner.role === 'admin' && (request.scopes || request.rateLimit))
      throw new DomainError(
        'admin-key-unscoped',
        `${partnerId} is an admin key: it has every scope and the region's limit; only its name can change.`,
      );
    const next: PartnerRecord = {
      ...partner,
      ...(request.name !== undefined ? { name: request.name } : {}),
      ...(request.scopes ? { scopes: request.scopes } : {}),
      ...(request.rateLimit ? { rateLimit: request.rateLimit } : {}),
    };
    // A partner made by POST has its own throttle; the local seeded key has none, and the local
    // server throttles from the key item.
    if (request.rateLimit && partner.throttleIds && Object.keys(partner.throttleIds).length > 0)
      await partnerThrottles().change({ partnerId, throttleIds: partner.throttleIds, rateLimit: request.rateLimit });
    const writes: ConditionalWrite[] = [
      { item: partnerUpdate(next, partner.version ?? 1), onConditionFailed: () => partnerNotFound(partnerId) },
      { item: apiKeyReplace(next) },
    ];
    const previousExpiry = partner.previousKeyHash ? await apiKeyExpiry(partner.previousKeyHash) : undefined;
    if (partner.previousKeyHash && previousExpiry && previousExpiry.getTime() > Date.now())
      writes.push({ item: apiKeyExpiring(next, partner.previousKeyHash, previousExpiry) });
    const changes = [
      ...(request.name !== undefined && request.name !== partner.name ? ['name'] : []),
      ...(request.scopes ? [`scopes ${request.scopes.join(' ')} (were ${partner.scopes.join(' ') || 'none'})`] : []),
      ...(request.rateLimit
        ? [`rate limit ${limitText(request.rateLimit)} (was ${limitText(partner.rateLimit)})`]
        : []),
    ];
    return outcome(partnerView(next), {
      writes,
      audit: {
        kind: 'partner.updated',
        target: `partner:${partnerId}`,
        summary: `Partner ${partnerId} updated: ${changes.join('; ') || 'nothing changed'}`,
      },
    });
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
    items: found.items.map(partnerView),
  };
}
