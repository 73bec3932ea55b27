import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import * as app from '@shared/app';
import type { Caller, Prepared, UseCase } from '@shared/app/support/outcome';
import { uploadPoolCodes } from '@shared/app/upload-pool-codes';
import { useStore, type StoreConfig } from '@shared/store/client';
import { findReward } from '@shared/store/items/reward';
import { withFaults } from '../support/faults';
import { useFreshTable } from '../support/table';
import { answerNps, enrolMember, eraseMember, putReward } from '../support/use-cases';

/**
 * The use cases that must write before they can decide do it in a named `prepare` step: their
 * `decide` reads and returns an outcome, and sends no write to the table (counted on the real
 * DynamoDB Local through a pass-through wrapper).
 */
const clock = () => new Date();
const caller = (key?: string): Caller => ({
  partnerId: 'admin',
  now: clock,
  idempotency: key ? { scope: 'admin', key, requestHash: `hash-${key}` } : undefined,
});
const WRITES = ['PutCommand', 'UpdateCommand', 'DeleteCommand', 'TransactWriteCommand', 'BatchWriteCommand'];

let store: StoreConfig;
beforeAll(async () => {
  store = await useFreshTable();
});

async function steps<R>(useCase: UseCase<R>, by: Caller): Promise<Prepared<R>> {
  const made = await useCase(by);
  if (typeof made === 'function') throw new Error('expected a use case with a prepare step');
  return made;
}

/** The writes sent to the table while `work` runs (every call counted, then passed on). */
async function writesDuring(work: () => Promise<unknown>): Promise<string[]> {
  const counted = withFaults(store, []);
  useStore(counted);
  try {
    await work();
  } finally {
    useStore(store);
  }
  return Object.keys(counted.calls).filter((command) => WRITES.includes(command));
}

describe('a prepare step before decide', () => {
  it('erasure removes the copies of personal data in prepare; decide writes nothing', async () => {
    const enrolled = await enrolMember(
      { name: 'Ada', consent: { marketing: false, analytics: true } },
      { ...caller(), partnerId: 'till' },
    );
    const { memberId } = enrolled.body as { memberId: string };
    await answerNps(memberId, { score: 9, comment: 'Ada likes it' }, caller());
    const erase = await steps(app.eraseMember(memberId), caller());
    const at = clock();
    let member: unknown;
    expect(await writesDuring(async () => (member = await erase.prepare(at)))).not.toEqual([]);
    expect(await writesDuring(() => Promise.resolve(erase.decide(at, member)))).toEqual([]);
    // Prepared twice (a lost race, a retried request): the same, and the erasure then commits.
    await erase.prepare(at);
    expect(await eraseMember(memberId, caller())).toMatchObject({ status: 204 });
  });

  it('a pool upload puts its codes in prepare; decide writes nothing', async () => {
    await putReward(
      'prepared-pool',
      {
        name: 'Prepared pool',
        pointsCost: 10,
        active: true,
        fulfilment: { type: 'code', source: 'pool', validDays: 30, chargeOn: 'issue' },
      },
      clock,
    );
    const by = caller(randomUUID());
    const upload = await steps(uploadPoolCodes('prepared-pool', ['P-1', 'P-2', 'P-2']), by);
    const at = clock();
    let put: unknown;
    expect(await writesDuring(async () => (put = await upload.prepare(at)))).not.toEqual([]);
    expect(await writesDuring(() => Promise.resolve(upload.decide(at, put)))).toEqual([]);
    expect((await findReward('prepared-pool'))?.stock).toBe(0);
    // The same upload put again counts its own codes as added; the stock grows once, when committed.
    const decided = await upload.decide(at, await upload.prepare(at));
    expect(decided.result).toEqual({ added: 2, duplicates: ['P-2'] });
  });
});
