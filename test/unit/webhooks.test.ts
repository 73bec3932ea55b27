import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  addressRefusal,
  afterAttempt,
  DEFAULT_RETRY_SCHEDULE_SECONDS,
  MAX_RETRY_DELAY_SECONDS,
  parseRetrySchedule,
  retryDelaySeconds,
  rotateSecrets,
  signingSecrets,
  urlRefusal,
} from '@shared/domain/webhooks';
import { newWebhookSecret, signedHeaders } from '@shared/delivery/signing';

const aws = { allowLoopback: false };
const local = { allowLoopback: true };

describe('the retry schedule', () => {
  it('retries for more than 24 hours whatever the jitter draws', () => {
    const attempts = DEFAULT_RETRY_SCHEDULE_SECONDS.length;
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: attempts,
          maxLength: attempts,
        }),
        (draws) => {
          const waits = draws.map((random, i) => retryDelaySeconds(i + 1, DEFAULT_RETRY_SCHEDULE_SECONDS, random));
          expect(waits.every((wait) => wait !== undefined)).toBe(true);
          const total = waits.reduce<number>((sum, wait) => sum + (wait ?? 0), 0);
          expect(total).toBeGreaterThan(24 * 3600);
        },
      ),
    );
  });

  it('grows, stays within ±20 % of the schedule and never beyond what SQS can hide a message', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: DEFAULT_RETRY_SCHEDULE_SECONDS.length }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, random) => {
          const base = DEFAULT_RETRY_SCHEDULE_SECONDS[attempt - 1] as number;
          const wait = retryDelaySeconds(attempt, DEFAULT_RETRY_SCHEDULE_SECONDS, random) as number;
          expect(wait).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
          expect(wait).toBeLessThanOrEqual(Math.min(MAX_RETRY_DELAY_SECONDS, Math.ceil(base * 1.2)));
        },
      ),
    );
    for (let i = 1; i < DEFAULT_RETRY_SCHEDULE_SECONDS.length; i += 1)
      expect(DEFAULT_RETRY_SCHEDULE_SECONDS[i]).toBeGreaterThanOrEqual(DEFAULT_RETRY_SCHEDULE_SECONDS[i - 1] as number);
  });

  it('ends after the last step', () => {
    expect(
      retryDelaySeconds(DEFAULT_RETRY_SCHEDULE_SECONDS.length + 1, DEFAULT_RETRY_SCHEDULE_SECONDS, 0.5),
    ).toBeUndefined();
    expect(retryDelaySeconds(4, [1, 2, 5], 0.5)).toBeUndefined();
    expect(retryDelaySeconds(3, [1, 2, 5], 0.5)).toBe(5);
  });

  it('reads WEBHOOK_RETRY_SCHEDULE and refuses nonsense', () => {
    expect(parseRetrySchedule('1,2,5')).toEqual([1, 2, 5]);
    expect(parseRetrySchedule(undefined)).toBe(DEFAULT_RETRY_SCHEDULE_SECONDS);
    expect(() => parseRetrySchedule('1,-2')).toThrow(RangeError);
    expect(() => parseRetrySchedule('1,x')).toThrow(RangeError);
    expect(() => parseRetrySchedule('50000')).toThrow(RangeError);
  });
});

describe('a delivery after an attempt', () => {
  const now = new Date('2026-11-24T10:00:00.000Z');
  const pending = { status: 'pending' as const, attempts: 0 };

  it('succeeds on any 2xx', () => {
    for (const statusCode of [200, 201, 204, 299])
      expect(afterAttempt(pending, { statusCode }, now, [1], 0.5)).toEqual({
        state: { status: 'succeeded', attempts: 1, lastAttemptAt: now.toISOString(), lastStatusCode: statusCode },
      });
  });

  it('is retried after a 3xx, 4xx, 5xx or no answer, then fails when the schedule is used up', () => {
    for (const outcome of [{ statusCode: 301 }, { statusCode: 404 }, { statusCode: 500 }, { error: 'timeout' }]) {
      const first = afterAttempt(pending, outcome, now, [10, 20], 0.5);
      expect(first.state).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: '2026-11-24T10:00:10.000Z' });
      expect(first.retryInSeconds).toBe(10);
      const last = afterAttempt({ status: 'pending', attempts: 2 }, outcome, now, [10, 20], 0.5);
      expect(last.state).toMatchObject({ status: 'failed', attempts: 3 });
      expect(last.state.nextAttemptAt).toBeUndefined();
      expect(last.retryInSeconds).toBeUndefined();
    }
  });
});

describe('SSRF rules', () => {
  it.each([
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '127.0.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fd00::1',
    'fc12:3456::1',
    'fe80::1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '224.0.0.1',
    '::a00:1', // IPv4-compatible ::10.0.0.1 (::/96)
    '::7f00:1', // ::127.0.0.1
    '64:ff9b:1::a00:1', // local-use NAT64 (64:ff9b:1::/48)
    '2002:a00:1::1', // 6to4 of 10.0.0.1 (2002::/16)
    '2002:c0a8:101::1', // 6to4 of 192.168.1.1
    '2001:0:4136:e378:8000:63bf:3fff:fdd2', // Teredo (2001::/32)
  ])('refuses %s on AWS', (address) => {
    expect(addressRefusal(address, aws)).toBeDefined();
  });

  it.each(['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '172.32.0.1', '2001:4860:4860::8888', '2003::1'])(
    'allows the public %s',
    (address) => {
      expect(addressRefusal(address, aws)).toBeUndefined();
    },
  );

  it('allows this machine locally, and nothing else private', () => {
    expect(addressRefusal('127.0.0.1', local)).toBeUndefined();
    expect(addressRefusal('::1', local)).toBeUndefined();
    expect(addressRefusal('10.0.0.1', local)).toBeDefined();
    expect(addressRefusal('169.254.169.254', local)).toBeDefined();
  });

  it('accepts https URLs with a public host and refuses the rest', () => {
    expect(urlRefusal('https://hooks.example.com/rewards', aws)).toBeUndefined();
    expect(urlRefusal('https://93.184.216.34/x', aws)).toBeUndefined();
    expect(urlRefusal('http://hooks.example.com/rewards', aws)).toMatch(/https/);
    expect(urlRefusal('https://127.0.0.1/x', aws)).toMatch(/loopback/);
    expect(urlRefusal('https://[::1]/x', aws)).toMatch(/loopback/);
    expect(urlRefusal('https://169.254.169.254/latest/meta-data', aws)).toBeDefined();
    expect(urlRefusal('https://localhost/x', aws)).toBeDefined();
    expect(urlRefusal('https://user:pw@hooks.example.com/', aws)).toMatch(/credentials/);
    expect(urlRefusal('not a url', aws)).toMatch(/not a URL/);
    expect(urlRefusal('ftp://hooks.example.com/', aws)).toMatch(/https/);
    expect(urlRefusal('https://intranet/x', aws)).toMatch(/fully qualified/);
  });

  it('allows http to 127.0.0.1 and localhost locally only', () => {
    expect(urlRefusal('http://127.0.0.1:4000/hook', local)).toBeUndefined();
    expect(urlRefusal('http://localhost:4000/hook', local)).toBeUndefined();
    expect(urlRefusal('http://10.0.0.1/hook', local)).toBeDefined();
    expect(urlRefusal('http://hooks.example.com/hook', local)).toMatch(/https/);
  });
});

describe('signatures and rotation', () => {
  it('signs per Standard Webhooks: the standardwebhooks package verifies it', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const body = JSON.stringify({ id: 'evt_1', type: 'webhook.test', data: {} });
    const headers = signedHeaders('evt_1', body, [secret], new Date());
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body.replace('test', 'tost'), headers)).toThrow();
  });

  it('signs with both secrets for 24 hours after a rotation, then with the new one only', () => {
    const t0 = new Date('2026-11-24T10:00:00.000Z');
    const old = newWebhookSecret();
    const fresh = newWebhookSecret();
    const secrets = rotateSecrets([{ secret: old }], fresh, t0);
    expect(signingSecrets(secrets, new Date(t0.getTime() + 23 * 3600_000))).toEqual([fresh, old]);
    expect(signingSecrets(secrets, new Date(t0.getTime() + 24 * 3600_000))).toEqual([fresh]);
    const body = '{"id":"evt_2"}';
    const headers = signedHeaders('evt_2', body, signingSecrets(secrets, t0), t0);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    // A receiver still on either secret accepts it (timestamp checks use the real clock: sign now).
    const nowHeaders = signedHeaders('evt_2', body, [fresh, old], new Date());
    expect(new Webhook(old).verify(body, nowHeaders)).toEqual({ id: 'evt_2' });
    expect(new Webhook(fresh).verify(body, nowHeaders)).toEqual({ id: 'evt_2' });
  });

  it('never lets a third rotation extend the overlap of an older secret', () => {
    const t0 = new Date('2026-11-24T10:00:00.000Z');
    const once = rotateSecrets([{ secret: 'whsec_a' }], 'whsec_b', t0);
    const twice = rotateSecrets(once, 'whsec_c', new Date(t0.getTime() + 3600_000));
    expect(twice.find((s) => s.secret === 'whsec_a')?.expiresAt).toBe('2026-11-25T10:00:00.000Z');
    expect(twice.find((s) => s.secret === 'whsec_b')?.expiresAt).toBe('2026-11-25T11:00:00.000Z');
  });
});
