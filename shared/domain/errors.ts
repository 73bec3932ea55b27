/**
 * Business-rule failures. Each carries a stable `code` that `shared/http/problems.ts`
 * maps to an RFC 9457 problem type and status; the domain never speaks HTTP.
 */
export type DomainErrorCode =
  | 'member-not-found'
  | 'member-erased'
  | 'insufficient-points'
  | 'insufficient-cashback'
  | 'negative-balance'
  | 'duplicate-order'
  | 'order-not-found'
  | 'refund-exceeds-order'
  | 'reward-not-found'
  | 'reward-out-of-stock'
  | 'reward-not-available'
  | 'tier-too-low'
  | 'unknown-tier'
  | 'unknown-referral-code'
  | 'duplicate-external-id'
  | 'currency-mismatch'
  | 'occurred-at-out-of-range'
  | 'partner-not-found'
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
  | 'import-not-found';

export interface FieldError {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly errors?: FieldError[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}
