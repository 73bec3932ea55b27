import { BlockList, isIP } from 'node:net';

/**
 * Webhook rules without I/O: which addresses a delivery may reach, which URLs may be
 * registered, the retry schedule, the state of a delivery after an attempt, secret rotation.
 */

export const MAX_WEBHOOKS_PER_REGION = 20;

// ---------------------------------------------------------------- addresses (SSRF)

/** Never reachable by a webhook: private, loopback, link-local, unique-local, multicast, reserved. */
const forbidden = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, including the instance metadata service 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  forbidden.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible addresses (::a.b.c.d)
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64 can reach any IPv4 address, private ones included
  ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215), the same
  ['100::', 64],
  ['2001::', 32], // Teredo: tunnels to an IPv4 address it embeds
  ['2001:db8::', 32],
  ['2002::', 16], // 6to4: the same, through a relay
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['ff00::', 8],
] as const)
  forbidden.addSubnet(network, prefix, 'ipv6');

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

export interface AddressPolicy {
  /** Locally, receivers on this machine (127.0.0.1, ::1, localhost) are allowed, over http too. */
  allowLoopback: boolean;
}

/** Why an IP address may not be called, or undefined when it may. */
export function addressRefusal(address: string, policy: AddressPolicy): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'is not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (policy.allowLoopback && loopback.check(address, type)) return undefined;
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) is refused whole rather than trusting every path to unwrap it.
  // (Not a BlockList rule: BlockList applies a ::ffff:0:0/96 rule to every IPv4 address too.)
  if (type === 'ipv6' && /^::ffff:/i.test(address)) return 'is an IPv4-mapped address';
  if (forbidden.check(address, type)) return 'resolves to a private, loopback, link-local or reserved address';
  return undefined;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Checks a webhook URL's form (DNS is checked separately, at registration and at every delivery):
 * https, no credentials, no private address literal; locally http to this machine too.
 * Answers the reason it is refused, or undefined.
 */
export function urlRefusal(text: string, policy: AddressPolicy): string | undefined {
  if (text.length > 2048) return 'must be at most 2048 characters';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not have a fragment';
  const local = policy.allowLoopback && LOCAL_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:'))
    return policy.allowLoopback ? 'must be https (or http to 127.0.0.1/localhost locally)' : 'must be https';
  if (url.hostname === 'localhost' || url.hostname.endsWith('.localhost'))
    return local ? undefined : 'must not point to this machine';
  const literal = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(literal) !== 0) return addressRefusal(literal, policy);
  if (!url.hostname.includes('.')) return 'must have a fully qualified host name';
  return undefined;
}

// ---------------------------------------------------------------- retries

/**
 * Seconds to wait after each failed attempt (5 s, 1 min, 5 min, 30 min, 2 h, 5 h, 10 h, 12 h,
 * 12 h). Even with the jitter taking 20 % off every wait, the last attempt comes more than 24 h
 * after the first (the unit tests prove it); 12 h is also the longest SQS can hide a message.
 */
export const DEFAULT_RETRY_SCHEDULE_SECONDS: readonly number[] = [
  5, 60, 300, 1_800, 7_200, 18_000, 36_000, 43_200, 43_200,
];
export const MAX_RETRY_DELAY_SECONDS = 43_200;
export const RETRY_JITTER = 0.2;

/** `WEBHOOK_RETRY_SCHEDULE=1,2,5`: positive seconds, comma-separated. */
export function parseRetrySchedule(text: string | undefined): readonly number[] {
  if (text === undefined || text.trim() === '') return DEFAULT_RETRY_SCHEDULE_SECONDS;
  const delays = text.split(',').map((part) => Number(part.trim()));
  if (delays.some((delay) => !Number.isFinite(delay) || delay <= 0 || delay > MAX_RETRY_DELAY_SECONDS))
    throw new RangeError(`WEBHOOK_RETRY_SCHEDULE must be seconds in (0, ${MAX_RETRY_DELAY_SECONDS}], comma-separated`);
  return delays;
}

/**
 * The wait before the next attempt after `attemptsMade` attempts, or undefined when the schedule
 * is used up. Jitter (±20 %, from `random` in [0, 1)) spreads the retries of many deliveries that
 * failed together, so a receiver coming back is not hit by all of them at once.
 */
export function retryDelaySeconds(
  attemptsMade: number,
  schedule: readonly number[],
  random: number,
): number | undefined {
  const base = schedule[attemptsMade - 1];
  if (base === undefined || attemptsMade < 1) return undefined;
  const jittered = base * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random);
  return Math.min(MAX_RETRY_DELAY_SECONDS, Math.max(1, Math.round(jittered)));
}

// ---------------------------------------------------------------- deliveries

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface DeliveryState {
  status: DeliveryStatus;
  attempts: number;
  lastAttemptAt?: string;
  lastStatusCode?: number;
  /** Why the last attempt failed without an HTTP status (timeout, refused address, connection). */
  lastError?: string;
  nextAttemptAt?: string;
}

export type AttemptOutcome = { statusCode: number } | { error: string };

export const isSuccess = (outcome: AttemptOutcome) =>
  'statusCode' in outcome && outcome.statusCode >= 200 && outcome.statusCode < 300;

/** The delivery after one attempt, and when (if ever) to try again. */
export function afterAttempt(
  before: DeliveryState,
  outcome: AttemptOutcome,
  now: Date,
  schedule: readonly number[],
  random: number,
): { state: DeliveryState; retryInSeconds?: number } {
  const attempts = before.attempts + 1;
  const common = {
    attempts,
    lastAttemptAt: now.toISOString(),
    ...('statusCode' in outcome ? { lastStatusCode: outcome.statusCode } : { lastError: outcome.error }),
  };
  if (isSuccess(outcome)) return { state: { status: 'succeeded', ...common } };
  const wait = retryDelaySeconds(attempts, schedule, random);
  if (wait === undefined) return { state: { status: 'failed', ...common } };
  return {
    state: { status: 'pending', ...common, nextAttemptAt: new Date(now.getTime() + wait * 1000).toISOString() },
    retryInSeconds: wait,
  };
}

// ---------------------------------------------------------------- secrets

export interface StoredSecret {
  secret: string;
  /** Set on the previous secret when a new one replaces it: both sign until then. */
  expiresAt?: string;
}

export const SECRET_OVERLAP_MS = 24 * 3_600_000;

/** The secrets a delivery is signed with at `now`: the current one and any still in its overlap. */
export function signingSecrets(secrets: readonly StoredSecret[], now: Date): string[] {
  return secrets.filter((s) => !s.expiresAt || Date.parse(s.expiresAt) > now.getTime()).map((s) => s.secret);
}

/** A new secret first; the ones still signing keep signing for 24 h more at most. */
export function rotateSecrets(secrets: readonly StoredSecret[], fresh: string, now: Date): StoredSecret[] {
  const overlapEnd = new Date(now.getTime() + SECRET_OVERLAP_MS).toISOString();
  const previous = secrets
    .filter((s) => !s.expiresAt || Date.parse(s.expiresAt) > now.getTime())
    .map((s) => ({ secret: s.secret, expiresAt: s.expiresAt && s.expiresAt < overlapEnd ? s.expiresAt : overlapEnd }));
  return [{ secret: fresh }, ...previous];
}
