import { ZodError } from 'zod';
import { DomainError, type DomainErrorCode, type FieldError } from '@shared/domain/errors';
import { instanceOf, WWW_AUTHENTICATE } from './protocol';
import { asStorageError, IdempotencyKeyReuseError, InvalidCursorError, StorageBusyError } from '@shared/store/errors';

/**
 * The one place that maps errors to RFC 9457 problem details. `type` is a stable URI per
 * kind of error; integrators branch on it, never on `title` or `detail`.
 */
export const PROBLEM_TYPE_BASE = 'https://rewards-api.dev/problems/';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** This occurrence: `urn:request:<request id>` (the X-Request-Id of the answer that first carried it). */
  instance?: string;
  errors?: FieldError[];
  /** external-id-taken: the member that holds the external id. */
  memberId?: string;
  /** code-used: the order the code was first used for, and when. */
  orderId?: string;
  usedAt?: string;
}

export interface ProblemResponse {
  problem: ProblemDetails;
  headers?: Record<string, string>;
}

/** Errors of the HTTP layer itself (bad headers, wrong media type, unknown route). */
export class HttpProblem extends Error {
  constructor(
    readonly slug: string,
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

const domainProblems: Record<DomainErrorCode, { status: number; title: string }> = {
  'member-not-found': { status: 404, title: 'Member not found' },
  'member-erased': { status: 409, title: 'Member erased' },
  'insufficient-points': { status: 409, title: 'Insufficient points' },
  'insufficient-cashback': { status: 409, title: 'Insufficient cashback' },
  'adjustment-budget-exceeded': { status: 409, title: "Partner's daily adjustment budget used up" },
  'negative-balance': { status: 409, title: 'Balance is negative' },
  'duplicate-order': { status: 409, title: 'Order already recorded' },
  'order-not-found': { status: 404, title: 'Order not found' },
  'refund-exceeds-order': { status: 409, title: 'Refund exceeds the order' },
  'unknown-order-line': { status: 400, title: 'Unknown order line' },
  'refund-mismatch': { status: 400, title: 'Refund lines and amount disagree' },
  'reward-not-found': { status: 404, title: 'Reward not found' },
  'reward-out-of-stock': { status: 409, title: 'Reward out of stock' },
  'reward-not-available': { status: 409, title: 'Reward not available' },
  'tier-too-low': { status: 409, title: 'Tier too low for this reward' },
  'unknown-tier': { status: 400, title: 'Unknown tier' },
  'unknown-reward': { status: 400, title: 'Unknown reward' },
  'unknown-referral-code': { status: 400, title: 'Unknown referral code' },
  'external-id-taken': { status: 409, title: 'External id taken by another member' },
  'transaction-not-found': { status: 404, title: 'Transaction not found' },
  'program-version-not-found': { status: 404, title: 'Program version not found' },
  'program-precondition-failed': { status: 412, title: 'Program changed since it was read' },
  'currency-mismatch': { status: 400, title: 'Wrong currency' },
  'occurred-at-out-of-range': { status: 400, title: 'Purchase time out of range' },
  'partner-not-found': { status: 404, title: 'Partner not found' },
  'admin-key-unscoped': { status: 409, title: 'An admin key has every scope and no limit of its own' },
  'snapshot-not-found': { status: 404, title: 'No snapshot yet' },
  'program-conflict': { status: 409, title: 'Program changed concurrently' },
  'raffle-not-found': { status: 404, title: 'Raffle not found' },
  'raffle-not-open': { status: 409, title: 'Raffle not open for entries' },
  'raffle-rules-locked': { status: 409, title: 'Raffle rules locked once it opened' },
  'raffle-not-closed': { status: 409, title: 'Raffle still open' },
  'raffle-entry-limit': { status: 409, title: 'Over the raffle entries per member' },
  'raffle-points-not-accepted': { status: 409, title: 'Raffle entries cannot be bought with points' },
  'raffle-limit': { status: 409, title: 'Too many raffles take purchase entries at once' },
  'webhook-not-found': { status: 404, title: 'Webhook not found' },
  'delivery-not-found': { status: 404, title: 'Delivery not found' },
  'too-many-webhooks': { status: 400, title: 'Too many webhooks' },
  'forbidden-webhook-url': { status: 400, title: 'Webhook URL not allowed' },
  'import-not-found': { status: 404, title: 'Import not found' },
  'simulation-not-found': { status: 404, title: 'Simulation not found' },
  'code-not-found': { status: 404, title: 'Code not found' },
  'code-used': { status: 409, title: 'Code already used' },
  'code-expired': { status: 409, title: 'Code expired' },
  'code-cancelled': { status: 409, title: 'Code cancelled' },
  'code-not-used-for-order': { status: 409, title: 'Code not used for this order' },
  'not-a-pool-reward': { status: 409, title: 'Reward takes no uploaded codes' },
  'donation-below-minimum': { status: 400, title: 'Donation below the minimum' },
  'not-a-donation': { status: 400, title: 'Points given to a reward that is not a donation' },
  'campaign-not-found': { status: 404, title: 'Campaign not found' },
  'unknown-segment': { status: 400, title: 'Unknown segment' },
  'too-many-campaigns': { status: 400, title: 'Too many campaigns' },
  'segment-not-found': { status: 404, title: 'Segment not found' },
  'segment-in-use': { status: 409, title: 'Segment named by a rule, a reward or a campaign' },
  'segment-not-a-list': { status: 400, title: 'Segment kept by rules, not a list' },
  'segment-limit': { status: 409, title: 'A program has at most 100 segments' },
  'not-eligible': { status: 409, title: 'Reward limited to segments the member is not in' },
};

/** The status a business-rule refusal answers with (the document lists it per operation). */
export const domainErrorStatus = (code: DomainErrorCode): number => domainProblems[code].status;

function zodErrors(error: ZodError, prefix: string): FieldError[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || prefix,
    message: issue.message,
  }));
}

export function validationProblem(error: ZodError, prefix: string): HttpProblem {
  return new HttpProblem(
    'validation-error',
    400,
    'Invalid request',
    'The request does not match the schema; see errors.',
    zodErrors(error, prefix),
  );
}

/** The problem an error is, for the request `requestId` (its `instance`) when known. */
export function toProblem(thrown: unknown, requestId?: string): ProblemResponse {
  const error = asStorageError(thrown);
  const make = (
    slug: string,
    status: number,
    title: string,
    detail: string,
    errors?: FieldError[],
    headers?: Record<string, string>,
    extensions?: Record<string, string>,
  ): ProblemResponse => ({
    problem: {
      type: PROBLEM_TYPE_BASE + slug,
      title,
      status,
      detail,
      ...(requestId ? { instance: instanceOf(requestId) } : {}),
      ...(errors && errors.length > 0 ? { errors } : {}),
      ...extensions,
    },
    // Every 401 says how to authenticate (RFC 9110), whichever layer refused the key.
    ...(headers || status === 401
      ? { headers: { ...headers, ...(status === 401 ? { 'WWW-Authenticate': WWW_AUTHENTICATE } : {}) } }
      : {}),
  });
  if (error instanceof HttpProblem)
    return make(error.slug, error.status, error.title, error.message, error.errors, error.headers);
  if (error instanceof DomainError) {
    const { status, title } = domainProblems[error.code];
    return make(error.code, status, title, error.message, error.errors, undefined, error.extensions);
  }
  if (error instanceof InvalidCursorError)
    return make('validation-error', 400, 'Invalid request', 'The request does not match the schema; see errors.', [
      { path: 'query.cursor', message: error.message },
    ]);
  if (error instanceof IdempotencyKeyReuseError)
    return make('idempotency-key-reuse', 422, 'Idempotency key reused', error.message);
  if (error instanceof StorageBusyError) {
    return make('storage-busy', 503, 'Storage busy', error.message, undefined, {
      'Retry-After': String(error.retryAfterSeconds),
    });
  }
  return make('internal', 500, 'Internal error', 'Something went wrong on our side. It has been logged; retry later.');
}
