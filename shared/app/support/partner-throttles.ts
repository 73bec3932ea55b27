import type { RateLimit } from '@shared/store/items/partner';

export type { RateLimit };

/**
 * The port through which the partners use case gives each partner its own throttle outside
 * the table. On AWS (shared/adapters/api-gateway-throttles.ts) that is an API Gateway usage
 * plan and API key per partner, found by the usage key the authorizer returns; locally the
 * server's token bucket reads the limit from the partner's key item, so nothing is provisioned.
 */
export interface PartnerThrottles {
  /** Makes the partner's throttle; returns the ids to remove it by later. */
  provision(partner: { partnerId: string; usageKey: string; rateLimit: RateLimit }): Promise<Record<string, string>>;
  /** Sets the limit of what `provision` made (a changed partner); setting the same limit again is harmless. */
  change(partner: { partnerId: string; throttleIds: Record<string, string>; rateLimit: RateLimit }): Promise<void>;
  /** Removes what `provision` made; nothing to remove is fine. */
  remove(partner: { partnerId: string; throttleIds: Record<string, string> }): Promise<void>;
}

/** Locally and in tests: nothing outside the table (the local server throttles from the key item). */
export const tableOnlyThrottles: PartnerThrottles = {
  provision: () => Promise.resolve({}),
  change: () => Promise.resolve(),
  remove: () => Promise.resolve(),
};

let throttles: PartnerThrottles = tableOnlyThrottles;

/** The function's entry point picks the adapter once (functions/admin.ts). */
export function usePartnerThrottles(adapter: PartnerThrottles): void {
  throttles = adapter;
}

export const partnerThrottles = (): PartnerThrottles => throttles;

/** A region's default per-partner limit (PARTNER_RATE_LIMIT, JSON, from the region's settings). */
export function defaultRateLimit(): RateLimit {
  const raw = process.env.PARTNER_RATE_LIMIT;
  return raw ? (JSON.parse(raw) as RateLimit) : { perSecond: 50, burst: 100 };
}
