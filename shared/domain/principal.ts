import type { Scope } from '@shared/schemas/admin';

/** A partner's own throttle (requests per second, and a burst above it). */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/**
 * Who calls: what an API key (or a member session token) may do. The authorizer finds it by the key's hash (its one read)
 * and hands it to every route, which checks the route's scope against it.
 */
export interface Principal {
  partnerId: string;
  /** `me`: a member session token (shared/app/member-sessions.ts), for the /v1/me routes only. */
  role: 'partner' | 'admin' | 'me';
  scopes: Scope[];
  /** The member a `me` principal acts for. */
  memberId?: string;
  rateLimit?: RateLimit;
  usageKey?: string;
}
