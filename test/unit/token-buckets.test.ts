import { describe, expect, it } from 'vitest';
import { TokenBuckets } from '@infra/local/server';

describe('the local per-partner token bucket', () => {
  const limit = { perSecond: 2, burst: 3 };

  it('allows the burst at once, then one request per 1/perSecond, with Retry-After in whole seconds', () => {
    const buckets = new TokenBuckets();
    expect([0, 0, 0].map(() => buckets.take('a', limit, 1_000))).toEqual([undefined, undefined, undefined]);
    expect(buckets.take('a', limit, 1_000)).toBe(1);
    expect(buckets.take('a', limit, 1_499)).toBe(1);
    expect(buckets.take('a', limit, 1_500)).toBeUndefined();
    expect(buckets.take('a', limit, 1_500)).toBe(1);
  });

  it('keeps partners apart, never holds more than the burst, and leaves keys without a limit alone', () => {
    const buckets = new TokenBuckets();
    for (let i = 0; i < 3; i += 1) buckets.take('busy', limit, 0);
    expect(buckets.take('busy', limit, 0)).toBe(1);
    expect(buckets.take('calm', limit, 0)).toBeUndefined();
    expect([1, 2, 3, 4].map(() => buckets.take('calm', limit, 3_600_000))).toEqual([
      undefined,
      undefined,
      undefined,
      1,
    ]);
    expect(Array.from({ length: 1000 }, () => buckets.take('seeded', undefined, 0)).every((x) => x === undefined)).toBe(
      true,
    );
  });

  it('asks a slow partner to wait longer', () => {
    const buckets = new TokenBuckets();
    const slow = { perSecond: 0.25, burst: 1 } as const;
    buckets.take('slow', slow, 0);
    expect(buckets.take('slow', slow, 0)).toBe(4);
  });
});
