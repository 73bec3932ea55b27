import type { PostingContext } from '@shared/domain/ledger';
import { newTransactionId } from '@shared/ids';
import type { Program } from '@shared/schemas/program';
import type { Caller } from './outcome';

/** Who posts the ledger entries of a write, under which program version. */
export function postingContext(
  caller: Pick<Caller, 'partnerId'>,
  program: Pick<Program, 'currency' | 'version'>,
  now: Date,
): PostingContext {
  return {
    partnerId: caller.partnerId,
    now: now.toISOString(),
    currency: program.currency,
    programVersion: program.version,
    newTransactionId,
  };
}
