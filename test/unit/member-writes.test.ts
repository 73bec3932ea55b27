import { describe, expect, it } from 'vitest';
import { runWithDeadline } from '@shared/deadline';
import { oneWriteAtATime } from '@shared/http/member-writes';
import { StorageBusyError } from '@shared/store/errors';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('writes to one member in one process', () => {
  it('run one at a time, in the order they came, while other members’ writes run beside them', async () => {
    const log: string[] = [];
    let inFlight = 0;
    let most = 0;
    const write = (memberId: string, n: number) =>
      oneWriteAtATime(memberId, async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        log.push(`${memberId}:${n}`);
        await sleep(5);
        inFlight -= 1;
        return n;
      });
    const results = await Promise.all([write('a', 1), write('a', 2), write('b', 1), write('a', 3)]);
    expect(results).toEqual([1, 2, 1, 3]);
    expect(log.filter((entry) => entry.startsWith('a'))).toEqual(['a:1', 'a:2', 'a:3']);
    expect(most).toBe(2); // a's writes one at a time, b's beside them
  });

  it('answers busy without writing when the deadline passes in line, and the line goes on', async () => {
    const written: number[] = [];
    const slow = oneWriteAtATime('m', async () => {
      await sleep(300);
      written.push(1);
    });
    const late = runWithDeadline(100, () => oneWriteAtATime('m', () => Promise.resolve(written.push(2))));
    const next = oneWriteAtATime('m', () => Promise.resolve(written.push(3)));
    await expect(late).rejects.toBeInstanceOf(StorageBusyError);
    await Promise.all([slow, next]);
    expect(written).toEqual([1, 3]);
  });
});
