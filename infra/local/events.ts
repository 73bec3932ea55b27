import { clock } from '@shared/clock';
import { eventsConfig } from '@shared/events/config';
import { deliver, type DeliveryDeps } from '@shared/events/delivery';
import { fanOut } from '@shared/events/fanout';
import { useDeliveryQueue, type DeliveryMessage, type DeliveryQueue } from '@shared/events/queue';
import { feedCursorAt, readEventFeed } from '@shared/store/events';

/**
 * What SQS does on AWS, in this process: a message waits for its delay on a timer, then the
 * same `deliver` runs; a retry puts it back with the backoff's delay. Messages live in memory,
 * so a restart forgets pending retries (their records stay `pending`; retry them by hand).
 */
export class LocalDeliveryQueue implements DeliveryQueue {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly deps: DeliveryDeps) {}

  send(messages: readonly DeliveryMessage[]): Promise<void> {
    for (const message of messages) this.schedule(message, 0);
    return Promise.resolve();
  }

  private schedule(message: DeliveryMessage, delaySeconds: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const attempt = deliver(message, this.deps)
        .then((result) => {
          if (result.kind === 'retry') this.schedule(message, result.inSeconds);
        })
        .catch((error: unknown) => {
          // Like a crashed consumer on AWS: the message comes back after a while.
          console.error('local webhook delivery failed', error);
          this.schedule(message, 5);
        })
        .finally(() => this.running.delete(attempt));
      this.running.add(attempt);
    }, delaySeconds * 1000);
    this.timers.add(timer);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }
}

export interface LocalEventPipeline {
  queue: LocalDeliveryQueue;
  stop: () => Promise<void>;
}

/**
 * The fan-out of `npm start`: instead of DynamoDB Streams, it follows the event feed index
 * (GSI3) from the moment it starts, with the same cursor a partner uses, and hands each page to
 * the same `fanOut` the stream function runs on AWS. Retries follow WEBHOOK_RETRY_SCHEDULE.
 */
export function startLocalEventPipeline(options: { pollMs?: number } = {}): LocalEventPipeline {
  const config = eventsConfig();
  const queue = new LocalDeliveryQueue({
    // Wall time, even under the test clock: receivers check webhook-timestamp against their own clocks.
    now: () => new Date(),
    random: Math.random,
    retrySchedule: config.retrySchedule,
    policy: config.policy,
  });
  useDeliveryQueue(queue);
  const pollMs = options.pollMs ?? 200;
  let cursor = feedCursorAt(new Date(clock().getTime() - config.feedSettleMs));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> = Promise.resolve();

  const poll = async (): Promise<void> => {
    let full = true;
    while (full && !stopped) {
      const page = await readEventFeed({
        after: cursor,
        limit: 100,
        now: clock(),
        settleMs: config.feedSettleMs,
        includeTests: true,
      });
      await fanOut(page.items, { queue, now: clock });
      cursor = page.nextCursor;
      full = page.items.length === 100;
    }
  };
  const loop = () => {
    polling = poll()
      .catch((error: unknown) => console.error('local event fan-out failed (retrying)', error))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, pollMs);
      });
  };
  loop();
  return {
    queue,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await polling;
      await queue.stop();
      useDeliveryQueue(undefined);
    },
  };
}
