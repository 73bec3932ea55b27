/** Failures of the storage layer that callers must answer differently from business rules. */

/** DynamoDB kept refusing (throttling, transaction conflicts) after our bounded retries. */
export class StorageBusyError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageBusyError';
  }
}

/** The idempotency key was first used for a different request. */
export class IdempotencyKeyReuseError extends Error {
  constructor() {
    super('This Idempotency-Key was already used for a different request.');
    this.name = 'IdempotencyKeyReuseError';
  }
}

/**
 * Optimistic-concurrency conflict: another request changed an item (a member, an order, a
 * reward, the totals...) between our read and our write. Read again and decide again.
 */
export class VersionConflictError extends Error {
  constructor() {
    super('an item changed since it was read');
    this.name = 'VersionConflictError';
  }
}

/** The idempotency record exists: the same key was already used; answer from the record. */
export class IdempotencyRecordExistsError extends Error {
  /** The stored record, when the failed condition returned it (then no read is needed to answer). */
  readonly record: Record<string, unknown> | undefined;
  constructor(record?: Record<string, unknown>) {
    super('idempotency record exists');
    this.record = record;
    this.name = 'IdempotencyRecordExistsError';
  }
}

/** DynamoDB cancelled the transaction because another one touched the same items (never raised by DynamoDB Local). */
export class TransactionConflictError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('transaction conflict', options);
    this.name = 'TransactionConflictError';
  }
}

/** A page cursor that this list did not hand out (or that was tampered with). */
export class InvalidCursorError extends Error {
  constructor(readonly cursor: string) {
    super('is not a cursor of this list');
    this.name = 'InvalidCursorError';
  }
}

const THROTTLING = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  // The same refusals as reasons of a cancelled transaction.
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

/** The one place that knows DynamoDB's names for "too busy": each becomes a StorageBusyError. */
export function isThrottling(nameOrCode: string | undefined): boolean {
  return nameOrCode !== undefined && THROTTLING.has(nameOrCode);
}

export function asStorageError(error: unknown): unknown {
  if (error instanceof Error && isThrottling(error.name))
    return new StorageBusyError('The database is throttling requests; retry shortly.', 1, { cause: error });
  return error;
}

/**
 * Whether a conditional write applied: false when its condition failed (someone was first, or
 * the item is not in the state the write expects); any other failure is thrown.
 */
export async function conditionHeld(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
