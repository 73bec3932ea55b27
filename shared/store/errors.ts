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

/** The idempotency key belongs to a request that is still being processed. */
export class IdempotencyInFlightError extends Error {
  constructor() {
    super('A request with this Idempotency-Key is still being processed; retry shortly.');
    this.name = 'IdempotencyInFlightError';
  }
}
