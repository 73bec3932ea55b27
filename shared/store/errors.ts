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

/** Another request changed the member between our read and our write: read again and retry. */
export class StaleMemberError extends Error {
  constructor() {
    super('member changed since it was read');
    this.name = 'StaleMemberError';
  }
}

/** The idempotency record exists: the same key was already used; answer from the record. */
export class IdempotencyRecordExistsError extends Error {
  constructor() {
    super('idempotency record exists');
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
