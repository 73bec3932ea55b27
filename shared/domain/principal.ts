import type { Scope } from '@shared/schemas/admin';

/** A partner's own throttle (requests per second, and a burst above it). */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/**
 * Who calls: what an API key may do. The authorizer finds it by the key's hash (its one read)
 * and hands it to every route, which checks the route's scope against it.
 */
export interface Principal {
  partnerId: string;
  role: 'partner' | 'admin';
  scopes: Scope[];
  rateLimit?: RateLimit;
  usageKey?: string;
}
