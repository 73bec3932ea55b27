import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { WindowFact } from '@shared/domain/metrics';
import { plainPut, type Item, type TransactItem } from '../item';
import { metricsTotalsKey } from './metrics-totals';

/*
 * The metrics job's digests: every window fact (a member's order or a refund of it, a
 * non-member's purchase, an NPS answer), kept once, compactly, when the job first reads it
 * from the recorded activity. A window's measures then read the digests of the steps recorded
 * since the window began (one Query on one partition) instead of every fact of the window from
 * the activity index, hour after hour.
 *
 * One item per step of the job (more when a step's facts would not fit 300 KB), keyed by the
 * watermark the step ended at: a fact recorded at r is in the step that ends after r, and a fact
 * that happened at t was recorded at or after t, so the facts of [t, now) are all in the digests
 * of the steps ending after t. The items are written in the transaction that advances the
 * watermark, so each fact is digested exactly once.
 *
 * Facts are lines of tab-separated fields, deflated:
 *   o <memberId> <occurredAt ms> <amount> <orders 0|1> <first purchase ms or empty>
 *   p <occurredAt ms> <amount>
 *   n <memberId> <answeredAt ms> <answerId> <score>
 *   f <memberId> <first purchase ms>
 */

const DIGEST_PREFIX = 'DIGEST#';
/** Raw bytes a digest item holds before it is deflated: the item stays far below DynamoDB's 400 KB. */
const PART_BYTES = 300_000;

const safe = (field: string) => {
  if (/[\t\n]/.test(field)) throw new Error(`a digest field cannot hold a tab or a newline: ${JSON.stringify(field)}`);
  return field;
};

export function factLine(fact: WindowFact): string {
  switch (fact.kind) {
    case 'order':
      return ['o', safe(fact.memberId), fact.occurredAt, fact.amount, fact.orders, fact.firstAt ?? ''].join('\t');
    case 'purchase':
      return ['p', fact.occurredAt, fact.amount].join('\t');
    case 'nps':
      return ['n', safe(fact.memberId), fact.answeredAt, safe(fact.answerId), fact.score].join('\t');
    case 'first':
      return ['f', safe(fact.memberId), fact.firstAt].join('\t');
  }
}

export function parseFactLine(line: string): WindowFact {
  const fields = line.split('\t');
  const number = (index: number) => Number(fields[index]);
  switch (fields[0]) {
    case 'o':
      return {
        kind: 'order',
        memberId: String(fields[1]),
        occurredAt: number(2),
        amount: number(3),
        orders: number(4) === 1 ? 1 : 0,
        firstAt: fields[5] ? number(5) : undefined,
      };
    case 'p':
      return { kind: 'purchase', occurredAt: number(1), amount: number(2) };
    case 'n':
      return {
        kind: 'nps',
        memberId: String(fields[1]),
        answeredAt: number(2),
        answerId: String(fields[3]),
        score: number(4),
      };
    case 'f':
      return { kind: 'first', memberId: String(fields[1]), firstAt: number(2) };
    default:
      throw new Error(`unknown digest line ${JSON.stringify(line.slice(0, 40))}`);
  }
}

/** The digest items of one step (none when it read no window fact). */
export function digestPuts(stepEnd: string, facts: WindowFact[]): TransactItem[] {
  const parts: string[][] = [];
  let bytes = Infinity;
  for (const fact of facts) {
    const line = factLine(fact);
    if (bytes + line.length + 1 > PART_BYTES) {
      parts.push([]);
      bytes = 0;
    }
    parts.at(-1)?.push(line);
    bytes += line.length + 1;
  }
  return parts.map((lines, part) =>
    plainPut({
      PK: metricsTotalsKey().PK,
      SK: `${DIGEST_PREFIX}${stepEnd}#${String(part).padStart(3, '0')}`,
      entity: 'metrics-digest',
      facts: deflateRawSync(Buffer.from(lines.join('\n'))),
      count: lines.length,
    }),
  );
}

/**
 * The facts of one digest item, a line at a time. Each line is decoded on its own: a member id
 * cut out of the whole text would keep that text alive for as long as the fold holds the id.
 */
export function* itemFacts(item: Item): Generator<WindowFact> {
  const text = inflateRawSync(item.facts as Uint8Array);
  for (let start = 0; start < text.length;) {
    const newline = text.indexOf(10, start);
    const end = newline < 0 ? text.length : newline;
    yield parseFactLine(text.toString('utf8', start, end));
    start = end + 1;
  }
}

/** The key condition of the digests of the steps that ended after `after` (and at or before `upTo`, when given). */
export function digestsEndingAfter(after: string, upTo?: string) {
  return {
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': metricsTotalsKey().PK,
      // `#` and the part number sort below `~`: the bounds leave out a step ending exactly at `after`, keep one at `upTo`.
      ':from': `${DIGEST_PREFIX}${after}#~`,
      ':to': `${DIGEST_PREFIX}${upTo === undefined ? '~' : `${upTo}#~`}`,
    },
  };
}
