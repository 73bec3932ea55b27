/**
 * A migration file for tests and the bench: member lines with opening balances, then purchase
 * lines of some of them; every `badEvery`-th line is bad in one of several ways.
 */
export interface ImportFile {
  text: string;
  lines: number;
  /** Line number → the path (or problem code) the error must name. */
  bad: Map<number, string>;
  members: { externalId: string; points: number; cashback: number }[];
  purchases: { externalId: string; orderId: string; amount: number }[];
}

const BAD_KINDS = [
  { make: () => '{"kind":"member","externalId":', expect: 'malformed-json' },
  { make: (n: number) => JSON.stringify({ kind: 'member', externalId: `bad-${n}` }), expect: 'consent' },
  {
    make: (n: number) =>
      JSON.stringify({
        kind: 'member',
        externalId: `bad-${n}`,
        consent: { marketing: true, analytics: true },
        points: -5,
      }),
    expect: 'points',
  },
  {
    make: (n: number) =>
      JSON.stringify({
        kind: 'member',
        externalId: `bad-${n}`,
        consent: { marketing: false, analytics: true },
        cashback: { value: 100, currency: 'USD' },
      }),
    expect: 'cashback.currency',
  },
  {
    make: (n: number) =>
      JSON.stringify({
        kind: 'purchase',
        externalId: `nobody-${n}`,
        orderId: `x-${n}`,
        amount: { value: 1000, currency: 'EUR' },
        occurredAt: '2026-01-05T10:00:00.000Z',
      }),
    expect: 'externalId',
  },
];

export function importFile(options: {
  lines: number;
  badEvery?: number;
  purchaseShare?: number;
  prefix?: string;
}): ImportFile {
  const { lines, badEvery = 0, purchaseShare = 0.2, prefix = 'cust' } = options;
  const text: string[] = [];
  const bad = new Map<number, string>();
  const members: ImportFile['members'] = [];
  const purchases: ImportFile['purchases'] = [];
  const purchaseLines = Math.floor(lines * purchaseShare);
  for (let n = 1; n <= lines; n += 1) {
    if (badEvery > 0 && n % badEvery === 0) {
      const kind = BAD_KINDS[(n / badEvery) % BAD_KINDS.length] ?? BAD_KINDS[0]!;
      text.push(kind.make(n));
      bad.set(n, kind.expect);
      continue;
    }
    if (n <= lines - purchaseLines || members.length === 0) {
      const externalId = `${prefix}-${n}`;
      const points = n % 3 === 0 ? 0 : n % 1000;
      const cashback = n % 5 === 0 ? n % 700 : 0;
      members.push({ externalId, points, cashback });
      text.push(
        JSON.stringify({
          kind: 'member',
          externalId,
          email: `${externalId}@example.com`,
          consent: { marketing: n % 2 === 0, analytics: true },
          enrolledAt: '2025-06-01T09:00:00.000Z',
          ...(points > 0 ? { points } : {}),
          ...(cashback > 0 ? { cashback: { value: cashback, currency: 'EUR' } } : {}),
        }),
      );
    } else {
      // Purchases go to the first members, several each, in file order after them.
      const member = members[n % Math.min(members.length, 500)]!;
      const orderId = `${prefix}-order-${n}`;
      const amount = 1000 + (n % 9000);
      purchases.push({ externalId: member.externalId, orderId, amount });
      text.push(
        JSON.stringify({
          kind: 'purchase',
          externalId: member.externalId,
          orderId,
          amount: { value: amount, currency: 'EUR' },
          occurredAt: new Date(Date.UTC(2026, 0, 1 + (n % 200), 12)).toISOString(),
        }),
      );
    }
  }
  return { text: `${text.join('\n')}\n`, lines, bad, members, purchases };
}
