import type { Outcome } from './outcome';

/**
 * Room in a use case's one transaction, for the hooks that add to it (segment memberships, then
 * campaigns): DynamoDB takes at most 100 items in one TransactWriteItems. What the lots hook, the
 * idempotency record and the audit record add after them is kept aside; what does not fit is
 * left for a later write (a backlog of memberships, owed campaigns), never a failed write.
 */
const TRANSACTION_ITEMS = 100;
const KEPT_FOR_LOTS_AND_RECORDS = 12;

/** Items the outcome holds so far: each member with its entries, the other writes, the events. */
export const itemsOf = (decided: Pick<Outcome<unknown>, 'members' | 'writes' | 'events'>): number =>
  decided.members.reduce((sum, write) => sum + 1 + write.entries.length, 0) +
  decided.writes.length +
  decided.events.length;

/** Items a hook may still add to the outcome. */
export const roomLeft = (decided: Pick<Outcome<unknown>, 'members' | 'writes' | 'events'>): number =>
  TRANSACTION_ITEMS - KEPT_FOR_LOTS_AND_RECORDS - itemsOf(decided);
