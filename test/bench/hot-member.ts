/**
 * Goodput on one hot member: N redeems of 1 point sent at once to the same member (a family
 * sharing a card at many tills, a script retrying in a loop), each its own request with its own
 * Idempotency-Key, over HTTP to the local server. Counts how many answer 201 within the request
 * deadline and how many 503. Then, as a client would, it sends each 503 again with its key until
 * it is answered (a 503 may still have been applied), and checks through the API that nothing
 * was lost or applied twice: the balance fell by exactly the redeems finally answered 201.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ApiClient } from './api-client';

export interface HotMemberResult {
  requests: number;
  succeeded: number;
  busy: number;
  other: number;
  /** Share of the burst that succeeded (201). */
  goodput: number;
  seconds: number;
  /** After the 503s were sent again with their keys, the balance fell by exactly the redeems answered 201. */
  consistent: boolean;
}

export async function measureHotMember(api: ApiClient, requests: number): Promise<HotMemberResult> {
  const memberId = await api.enrol();
  await api.earn(memberId, `hot-${memberId}`, 1_000_000);
  const balance = async () =>
    ((await api.expect(200, 'GET', `/v1/members/${memberId}`)).body as { points: { balance: number } }).points.balance;
  const before = await balance();
  const keys = Array.from({ length: requests }, () => randomUUID());
  const redeem = (key: string) =>
    api.call('POST', `/v1/members/${memberId}/redeem`, { body: { points: 1 }, idempotencyKey: key });
  const started = performance.now();
  const answers = await Promise.all(keys.map(redeem));
  const seconds = (performance.now() - started) / 1000;
  const succeeded = answers.filter((a) => a.status === 201).length;
  const busy = answers.filter((a) => a.status === 503).length;
  let finallyApplied = succeeded;
  for (const [i, answer] of answers.entries()) {
    if (answer.status !== 503) continue;
    let again = await redeem(keys[i] ?? '');
    while (again.status === 503) again = await redeem(keys[i] ?? '');
    if (again.status === 201) finallyApplied += 1;
  }
  const after = await balance();
  return {
    requests,
    succeeded,
    busy,
    other: requests - succeeded - busy,
    goodput: Number((succeeded / requests).toFixed(2)),
    seconds: Number(seconds.toFixed(1)),
    consistent: before - after === finallyApplied,
  };
}
