import { parseRetrySchedule, type AddressPolicy } from '@shared/domain/webhooks';

/** The event machinery's settings, from the environment (the stack sets them on AWS, infra/local locally). */
export interface EventsConfig {
  policy: AddressPolicy;
  retrySchedule: readonly number[];
  /** How old an event must be before the feed shows it (see FeedQuery.settleMs). */
  feedSettleMs: number;
}

export function eventsConfig(env: NodeJS.ProcessEnv = process.env): EventsConfig {
  return {
    policy: { allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK === 'true' },
    retrySchedule: parseRetrySchedule(env.WEBHOOK_RETRY_SCHEDULE),
    feedSettleMs: Math.round(Number(env.EVENT_FEED_SETTLE_SECONDS ?? 5) * 1000),
  };
}
