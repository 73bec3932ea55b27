import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { poolUploadRef, uploadPoolCodes } from '@shared/app/upload-pool-codes';
import { putPoolCodes } from '@shared/store/pool-upload';
import { findCodeByText } from '@shared/store/items/code';
import { findReward } from '@shared/store/items/reward';
import { putReward, respond } from '../support/use-cases';
import { useFreshTable } from '../support/table';

/**
 * Pool uploads at the largest size the schema accepts, and an upload sent again after a crash:
 * the stock moves once. (Over HTTP the local server's 29 s ceiling is less than DynamoDB Local on a
 * shared 2-core machine needs for 10,000 conditional writes; DynamoDB itself takes about a second.)
 */
const clock = () => new Date();
const pool = { type: 'code' as const, source: 'pool' as const, validDays: 30, chargeOn: 'issue' as const };
const caller = (key: string) => ({
  partnerId: 'admin',
  now: clock,
  idempotency: { scope: 'admin', key, requestHash: `hash-${key}` },
});

beforeAll(async () => {
  await useFreshTable();
});

async function poolReward(rewardId: string) {
  await putReward(rewardId, { name: rewardId, pointsCost: 10, active: true, fulfilment: pool }, clock);
}

describe('uploading a pool', () => {
  it('takes 10,000 codes of 64 characters in one call', async () => {
    await poolReward('big');
    const codes = Array.from({ length: 10_000 }, (_, i) => `BIG-${String(i).padStart(5, '0')}-`.padEnd(64, 'x'));
    const uploaded = await respond('uploadPoolCodes', uploadPoolCodes('big', codes), caller(randomUUID()));
    expect(uploaded).toMatchObject({ status: 201, body: { added: 10_000, duplicates: [] } });
    expect((await findReward('big'))?.stock).toBe(10_000);
    expect(await findCodeByText(codes[9_999] ?? '')).toMatchObject({ kind: 'available', rewardId: 'big' });
  }, 300_000);

  it('sent again after a crash counts its own codes as added and moves the stock once', async () => {
    await poolReward('resent');
    const key = randomUUID();
    const codes = Array.from({ length: 120 }, (_, i) => `RESENT-${i}`);
    // The first attempt put some codes, then crashed before its final write (stock and record).
    await putPoolCodes('resent', codes.slice(0, 70), poolUploadRef(caller(key)));
    expect((await findReward('resent'))?.stock).toBe(0);
    const again = await respond('uploadPoolCodes', uploadPoolCodes('resent', codes), caller(key));
    expect(again).toMatchObject({ status: 201, body: { added: 120, duplicates: [] } });
    expect((await findReward('resent'))?.stock).toBe(120);
    const replay = await respond('uploadPoolCodes', uploadPoolCodes('resent', codes), caller(key));
    expect(replay).toMatchObject({ status: 201, replayed: true, body: { added: 120 } });
    expect((await findReward('resent'))?.stock).toBe(120);
    // Another upload of the same codes: every one a duplicate, nothing added.
    const other = await respond('uploadPoolCodes', uploadPoolCodes('resent', codes.slice(0, 3)), caller(randomUUID()));
    expect(other).toMatchObject({ status: 201, body: { added: 0, duplicates: codes.slice(0, 3) } });
    expect((await findReward('resent'))?.stock).toBe(120);
  });
});
