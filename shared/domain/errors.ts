/**
 * Business-rule failures. Each carries a stable `code` that `shared/http/problems.ts`
 * maps to an RFC 9457 problem type and status; the domain never speaks HTTP.
 */
export type DomainErrorCode =
  | 'member-not-found'
  | 'member-erased'
  | 'insufficient-points'
  | 'insufficient-cashback'
  | 'adjustment-budget-exceeded'
  | 'negative-balance'
  | 'duplicate-order'
  | 'order-not-found'
  | 'refund-exceeds-order'
  | 'unknown-order-line'
  | 'refund-mismatch'
  | 'reward-not-found'
  | 'unknown-reward'
  | 'reward-out-of-stock'
  | 'reward-not-available'
  | 'tier-too-low'
  | 'unknown-tier'
  | 'unknown-referral-code'
  | 'external-id-taken'
  | 'transaction-not-found'
  | 'program-version-not-found'
  | 'program-precondition-failed'
  | 'currency-mismatch'
  | 'occurred-at-out-of-range'
  | 'partner-not-found'
  | 'admin-key-unscoped'
  | 'snapshot-not-found'
  | 'program-conflict'
  | 'raffle-not-found'
  | 'raffle-not-open'
  | 'raffle-rules-locked'
  | 'raffle-not-closed'
  | 'raffle-entry-limit'
  | 'raffle-points-not-accepted'
  | 'raffle-limit'
  | 'webhook-not-found'
  | 'delivery-not-found'
  | 'too-many-webhooks'
  | 'forbidden-webhook-url'
  | 'import-not-found'
  | 'simulation-not-found'
  | 'code-not-found'
  | 'code-used'
  | 'code-expired'
  | 'code-cancelled'
  | 'code-not-used-for-order'
  | 'not-a-pool-reward'
  | 'donation-below-minimum'
  | 'not-a-donation'
  | 'campaign-not-found'
  | 'unknown-segment'
  | 'too-many-campaigns'
  | 'segment-not-found'
  | 'segment-in-use'
  | 'segment-not-a-list'
  | 'segment-limit'
  | 'not-eligible';

export interface FieldError {
  path: string;
  message: string;
}

/** Members a problem carries besides the standard ones, so a client can act on it (e.g. the existing `memberId`). */
export type ProblemExtensions = Record<string, string>;

export class DomainError extends Error {
  readonly extensions: ProblemExtensions | undefined;
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly errors?: FieldError[],
    options?: { cause?: unknown; extensions?: ProblemExtensions },
  ) {
    super(message, options);
    this.name = 'DomainError';
    this.extensions = options?.extensions;
  }
}
