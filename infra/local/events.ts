import { clock } from '@shared/clock';
import { eventsConfig } from '@shared/delivery/config';
import { deliver, type DeliveryDeps } from '@shared/delivery/delivery';
import { fanOut } from '@shared/delivery/fanout';
import { useDeliveryQueue, type DeliveryMessage, type DeliveryQueue } from '@shared/delivery/queue';
import { postWebhook } from '@shared/delivery/http';
import type { DomainEvent } from '@shared/domain/events';
import { feedCursorAt, readEventFeed } from '@shared/store/items/event';
import { pendingDeliveries } from '@shared/store/items/delivery';
import { listWebhooks } from '@shared/store/items/webhook';

/** Attempts in flight at once, as a Lambda consumer's concurrency bounds them on AWS. */
const DELIVERY_CONCURRENCY = 16;
/**
 * How far back the local fan-out looks again for events that committed after the feed's settle
 * time (a slow transaction on a loaded machine), and how often. A request's transaction ends by
 * its deadline (REQUEST_DEADLINE_MS, 8 s by default); on a loaded 2-core machine the fault test
 * (test/e2e/webhook-faults.test.ts) saw commits up to about 6 s after the event's time.
 */
const LATE_EVENT_WINDOW_MS = 30_000;
const LATE_EVENT_SWEEP_MS = 5_000;

/**
 * What SQS does on AWS, in this process: a message waits for its delay on a timer, then the
 * same `deliver` runs (at most DELIVERY_CONCURRENCY at once); a retry puts it back with the
 * backoff's delay. Messages live in memory, but every delivery has its durable record: a new
 * worker `recover`s the pending ones from the store, so a worker that dies (`kill`) or a restart
 * loses nothing (an attempt cut short after its POST is delivered again: at least once).
 */
export class LocalDeliveryQueue implements DeliveryQueue {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly ready: DeliveryMessage[] = [];
  private stopped = false;
  private readonly deps: DeliveryDeps;

  constructor(deps: DeliveryDeps) {
    const post = deps.post ?? postWebhook;
    this.deps = {
      ...deps,
      // A worker that died never records what its in-flight POSTs answered.
      post: async (...args) => {
        const outcome = await post(...args);
        if (this.stopped) throw new Error('delivery worker stopped');
        return outcome;
      },
    };
  }

  send(messages: readonly DeliveryMessage[]): Promise<void> {
    for (const message of messages) this.schedule(message, 0);
    return Promise.resolve();
  }

  /** Picks up every pending delivery of every endpoint from the store, each at its next attempt. */
  async recover(): Promise<number> {
    const now = this.deps.now().getTime();
    let recovered = 0;
    for (const endpoint of await listWebhooks())
      for (const record of await pendingDeliveries(endpoint.webhookId)) {
        const { webhookId, eventId, memberId, sequence } = record;
        const due = record.nextAttemptAt ? Date.parse(record.nextAttemptAt) : now;
        this.schedule(
          {
            webhookId,
            eventId,
            ...(memberId !== undefined ? { memberId } : {}),
            ...(sequence !== undefined ? { sequence } : {}),
          },
          Math.max(0, due - now) / 1000,
        );
        recovered += 1;
      }
    return recovered;
  }

  private schedule(message: DeliveryMessage, delaySeconds: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.ready.push(message);
      this.pump();
    }, delaySeconds * 1000);
    this.timers.add(timer);
  }

  private pump(): void {
    while (!this.stopped && this.running.size < DELIVERY_CONCURRENCY) {
      const message = this.ready.shift();
      if (!message) return;
      const attempt = deliver(message, this.deps)
        .then((result) => {
          if (result.kind === 'retry') this.schedule(message, result.inSeconds);
        })
        .catch((error: unknown) => {
          if (this.stopped) return;
          // Like a crashed consumer on AWS: the message comes back after a while.
          console.error('local webhook delivery failed', error);
          this.schedule(message, 5);
        })
        .finally(() => {
          this.running.delete(attempt);
          this.pump();
        });
      this.running.add(attempt);
    }
  }

  /** Dies at once, as a killed process does: timers and waiting messages are dropped, in-flight attempts record nothing. */
  kill(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.ready.length = 0;
  }

  async stop(): Promise<void> {
    this.kill();
    await Promise.allSettled([...this.running]);
  }
}

export interface LocalEventPipeline {
  queue: () => LocalDeliveryQueue;
  /**
   * Kills the delivery worker mid-flight (what a crash does) and starts a new one, which picks
   * up every pending delivery from the store. Answers how many it picked up.
   */
  restartDeliveryWorker: () => Promise<number>;
  /** How many events the reader found behind its cursor (committed after the settle time) and still handed over. */
  lateEvents: () => number;
  stop: () => Promise<void>;
}

/**
 * The fan-out of `npm start`: instead of DynamoDB Streams, it follows the event feed index
 * (GSI3) from the moment it starts, with the same cursor a partner uses, and hands each page to
 * the same `fanOut` the stream function runs on AWS; every few seconds it reads the last 30 s
 * again for events whose transaction committed after the settle time (a stream has no such gap).
 * Retries follow WEBHOOK_RETRY_SCHEDULE.
 */
export function startLocalEventPipeline(
  options: { pollMs?: number; post?: DeliveryDeps['post'] } = {},
): LocalEventPipeline {
  const config = eventsConfig();
  const newWorker = () => {
    const worker = new LocalDeliveryQueue({
      // Wall time, even under the test clock: receivers check webhook-timestamp against their own clocks.
      now: () => new Date(),
      random: Math.random,
      retrySchedule: config.retrySchedule,
      policy: config.policy,
      ...(options.post ? { post: options.post } : {}),
    });
    useDeliveryQueue(worker);
    return worker;
  };
  let queue = newWorker();
  // A restart (npm start with DATA_DIR) goes on with the deliveries the last run left pending.
  const recovered = queue.recover().catch((error: unknown) => console.error('local delivery recovery failed', error));
  const pollMs = options.pollMs ?? 200;
  let cursor = feedCursorAt(new Date(clock().getTime() - config.feedSettleMs));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> = Promise.resolve();
  /** The events handed to the fan-out in the last LATE_EVENT_WINDOW_MS, by id (with their time). */
  const handed = new Map<string, number>();
  let lastSweep = clock().getTime();
  let lateEvents = 0;

  /** Fans out the events not handed over yet; answers how many there were. */
  const handOver = async (events: readonly DomainEvent[]): Promise<number> => {
    const fresh = events.filter((event) => !handed.has(event.id));
    // Sent to whichever worker is alive when the fan-out hands the messages over.
    await fanOut(fresh, { queue: { send: (messages) => queue.send(messages) }, now: clock });
    for (const event of fresh) handed.set(event.id, Date.parse(event.createdAt));
    return fresh.length;
  };

  const poll = async (): Promise<void> => {
    let full = true;
    let readAt = clock();
    while (full && !stopped) {
      readAt = clock();
      const page = await readEventFeed({
        after: cursor,
        limit: 100,
        now: readAt,
        settleMs: config.feedSettleMs,
        includeTests: true,
      });
      await handOver(page.items);
      cursor = page.nextCursor;
      full = page.items.length === 100;
    }
    // An event's time is taken before its transaction commits: one that took longer than the
    // settle time to commit appears behind the cursor. Read the recent past again now and then,
    // up to where the cursor was read (so what this finds was behind it).
    const now = readAt.getTime();
    if (stopped || now - lastSweep < LATE_EVENT_SWEEP_MS) return;
    const from = now - LATE_EVENT_WINDOW_MS;
    let after = feedCursorAt(new Date(from));
    for (full = true; full && !stopped;) {
      const page = await readEventFeed({
        after,
        limit: 1_000,
        now: readAt,
        settleMs: config.feedSettleMs,
        includeTests: true,
      });
      lateEvents += await handOver(page.items);
      after = page.nextCursor;
      full = page.items.length === 1_000;
    }
    lastSweep = now;
    for (const [id, at] of handed) if (at < from) handed.delete(id);
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
    queue: () => queue,
    lateEvents: () => lateEvents,
    restartDeliveryWorker: async () => {
      queue.kill();
      queue = newWorker();
      return queue.recover();
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await polling;
      await recovered;
      await queue.stop();
      useDeliveryQueue(undefined);
    },
  };
}
