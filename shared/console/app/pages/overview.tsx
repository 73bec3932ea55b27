import { useMemo, useState } from 'preact/hooks';
import { allPages } from '../api';
import { TimeChart, type Series } from '../chart';
import { Field, ProblemAlert, useLoad } from '../components';
import { downloadCsv } from '../csv';
import { formatInt, formatMinor, formatRate, isoDay, minorToMajor } from '../format';
import type { Money, Snapshot } from '../types';

/** One measure of a snapshot: how to read it and how to show it. */
interface Measure {
  label: string;
  read: (s: Snapshot) => number | null;
  format: (value: number | null) => string;
}

const money = (read: (s: Snapshot) => Money | null) => (s: Snapshot) => read(s)?.value ?? null;

function measures(currency: string): Record<string, Measure> {
  const asMoney = (v: number | null) => (v === null ? '—' : formatMinor(Math.round(v), currency));
  const asNps = (v: number | null) => (v === null ? '—' : v.toFixed(1));
  return {
    membersTotal: { label: 'Members', read: (s) => s.members.total, format: formatInt },
    membersActive: { label: 'Active members', read: (s) => s.members.active, format: formatInt },
    clv: { label: 'Customer lifetime value', read: money((s) => s.clv.value), format: asMoney },
    repeat: { label: 'Repeat-customer rate', read: (s) => s.repeatCustomerRate, format: formatRate },
    retention: { label: 'Retention', read: (s) => s.retentionRate, format: formatRate },
    nps: { label: 'NPS', read: (s) => s.nps, format: asNps },
    redemption: { label: 'Redemption rate', read: (s) => s.redemptionRate, format: formatRate },
    aovMembers: { label: 'Avg order, members', read: money((s) => s.averageOrderValue.members), format: asMoney },
    aovNonMembers: {
      label: 'Avg order, non-members',
      read: money((s) => s.averageOrderValue.nonMembers),
      format: asMoney,
    },
    spendPerMember: { label: 'Spend per active member', read: money((s) => s.averageSpendPerMember), format: asMoney },
    points: { label: 'Points outstanding', read: (s) => s.pointsOutstanding, format: formatInt },
    cashback: { label: 'Cashback outstanding', read: (s) => s.cashbackOutstanding.value, format: asMoney },
  };
}

/** Which measures share a chart (same unit). */
const charts: { title: string; measures: string[] }[] = [
  { title: 'Members', measures: ['membersTotal', 'membersActive'] },
  { title: 'Customer lifetime value', measures: ['clv'] },
  { title: 'Repeat, retention and redemption', measures: ['repeat', 'retention', 'redemption'] },
  { title: 'NPS', measures: ['nps'] },
  { title: 'Average order value: members and non-members', measures: ['aovMembers', 'aovNonMembers'] },
  { title: 'Points outstanding', measures: ['points'] },
  { title: 'Cashback outstanding', measures: ['cashback'] },
];

/** Every measure of the snapshots, oldest first: rates as 0..1, money in major units with its currency. */
function exportSnapshots(snapshots: Snapshot[], from: string, to: string) {
  const currency = snapshots[0]?.cashbackOutstanding.currency ?? 'EUR';
  const major = (money: Money | null) => (money ? minorToMajor(money.value, money.currency) : null);
  downloadCsv(
    `measures-${from}-${to}.csv`,
    [
      'computedAt',
      'windowFrom',
      'windowTo',
      'membersTotal',
      'membersActive',
      'clv',
      'clvLifespanYears',
      'clvPurchasesPerYear',
      'clvAverageOrderValue',
      'repeatCustomerRate',
      'retentionRate',
      'nps',
      'npsResponses',
      'redemptionRate',
      'averageSpendPerMember',
      'aovMembers',
      'aovNonMembers',
      'aovNewMembers',
      'aovReturningMembers',
      'pointsOutstanding',
      'cashbackOutstanding',
      'currency',
    ],
    snapshots.map((s) => [
      s.computedAt,
      s.window.from,
      s.window.to,
      s.members.total,
      s.members.active,
      major(s.clv.value),
      s.clv.lifespanYears,
      s.clv.purchasesPerYear,
      major(s.clv.averageOrderValue),
      s.repeatCustomerRate,
      s.retentionRate,
      s.nps,
      s.npsResponses,
      s.redemptionRate,
      major(s.averageSpendPerMember),
      major(s.averageOrderValue.members),
      major(s.averageOrderValue.nonMembers),
      major(s.averageOrderValue.newMembers),
      major(s.averageOrderValue.returningMembers),
      s.pointsOutstanding,
      major(s.cashbackOutstanding),
      currency,
    ]),
  );
}

function Change({ measure, latest, previous }: { measure: Measure; latest: number | null; previous: number | null }) {
  if (latest === null || previous === null) return <span class="change">no earlier value</span>;
  const delta = latest - previous;
  if (delta === 0) return <span class="change">unchanged</span>;
  const sign = delta > 0 ? '+' : '−';
  return (
    <span class={`change ${delta > 0 ? 'up' : 'down'}`}>
      {delta > 0 ? '▲' : '▼'} {sign}
      {measure.format(Math.abs(delta))} since previous
    </span>
  );
}

export function Overview() {
  const today = new Date();
  const [from, setFrom] = useState(isoDay(new Date(today.getTime() - 180 * 86_400_000)));
  const [to, setTo] = useState(isoDay(today));
  const range = useMemo(() => ({ from: `${from}T00:00:00.000Z`, to: `${to}T23:59:59.999Z` }), [from, to]);
  const snapshots = useLoad(() => allPages<Snapshot>('/v1/admin/metrics/snapshots', range), [range]);
  // Newest first from the API; charts run oldest to newest.
  const ordered = useMemo(() => [...(snapshots.data ?? [])].reverse(), [snapshots.data]);
  const latest = snapshots.data?.[0];
  const previous = snapshots.data?.[1];
  const currency = latest?.cashbackOutstanding.currency ?? 'EUR';
  const all = useMemo(() => measures(currency), [currency]);
  const times = useMemo(() => ordered.map((s) => Date.parse(s.computedAt) / 1000), [ordered]);
  const seriesOf = useMemo(
    () =>
      Object.fromEntries(
        Object.entries(all).map(([id, m]) => [id, { label: m.label, values: ordered.map(m.read) } satisfies Series]),
      ),
    [all, ordered],
  );

  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <form class="inline-form" onSubmit={(e) => e.preventDefault()} aria-label="Date range">
        <Field id="range-from" label="From">
          {(a) => <input {...a} type="date" value={from} max={to} onChange={(e) => setFrom(e.currentTarget.value)} />}
        </Field>
        <Field id="range-to" label="To">
          {(a) => <input {...a} type="date" value={to} min={from} onChange={(e) => setTo(e.currentTarget.value)} />}
        </Field>
      </form>
      <ProblemAlert error={snapshots.error} />
      {snapshots.loading && <p aria-live="polite">Loading snapshots…</p>}
      {!snapshots.loading && !snapshots.error && !latest && (
        <p>No snapshot in this range yet. The metrics job takes one on its schedule.</p>
      )}
      {latest && (
        <>
          <p class="muted">
            Latest snapshot {new Date(latest.computedAt).toLocaleString()}, window{' '}
            {new Date(latest.window.from).toLocaleDateString()} – {new Date(latest.window.to).toLocaleDateString()};{' '}
            {snapshots.data?.length} snapshots in range.{' '}
            <button type="button" class="secondary" onClick={() => exportSnapshots(ordered, from, to)}>
              Export the measures as CSV
            </button>
          </p>
          <ul class="tiles" aria-label="Latest measures">
            {Object.entries(all).map(([id, m]) => (
              <li class="tile" key={id} data-measure={id}>
                <span class="tile-label">{m.label}</span>
                <span class="tile-value">{m.format(m.read(latest))}</span>
                <Change measure={m} latest={m.read(latest)} previous={previous ? m.read(previous) : null} />
              </li>
            ))}
          </ul>
          <div class="charts">
            {charts.map((c) => (
              <TimeChart
                key={c.title}
                title={c.title}
                times={times}
                series={c.measures.map((id) => seriesOf[id]).filter((s): s is Series => s !== undefined)}
                format={all[c.measures[0] ?? 'membersTotal']?.format ?? formatInt}
              />
            ))}
          </div>
        </>
      )}
    </section>
  );
}
