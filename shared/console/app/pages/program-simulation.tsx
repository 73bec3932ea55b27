import { useEffect, useState } from 'preact/hooks';
import { call } from '../api';
import { ProblemAlert } from '../components';
import { formatInt, formatMoney } from '../format';
import type { Rules } from '../program-form';
import type { Money } from '../types';

/** What GET /v1/admin/program/simulations/{id} answers (shared/schemas/simulations.ts). */
interface Figures {
  points: number;
  cashback: Money;
  byRule: Record<string, number>;
}
interface Simulation {
  simulationId: string;
  status: 'running' | 'done' | 'failed';
  purchases: number;
  members: number;
  progress: { processed: number; total: number };
  current: Figures;
  draft: Figures;
  tierMoves: { current: Record<string, number>; draft: Record<string, number> };
}

const PERIODS = [30, 90, 365] as const;
const POLL_MS = 1_000;
const DAY_MS = 86_400_000;

const signed = (value: number) => (value > 0 ? `+${formatInt(value)}` : formatInt(value));

function Row(props: { label: string; current: number; draft: number; format?: (value: number) => string }) {
  const format = props.format ?? formatInt;
  const difference = props.draft - props.current;
  return (
    <tr>
      <th scope="row">{props.label}</th>
      <td class="num">{format(props.current)}</td>
      <td class="num">{format(props.draft)}</td>
      <td class="num">{difference === 0 ? '—' : props.format ? format(difference) : signed(difference)}</td>
    </tr>
  );
}

function Header({ first }: { first: string }) {
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        <th scope="col">Current</th>
        <th scope="col">Draft</th>
        <th scope="col">Difference</th>
      </tr>
    </thead>
  );
}

function Result({ simulation }: { simulation: Simulation }) {
  const { current, draft, tierMoves } = simulation;
  const rules = [...new Set([...Object.keys(current.byRule), ...Object.keys(draft.byRule)])].sort();
  const tiers = [...new Set([...Object.keys(tierMoves.current), ...Object.keys(tierMoves.draft)])];
  const money = (value: number) => formatMoney({ value, currency: current.cashback.currency });
  return (
    <div class="simulation-result">
      <p>
        {formatInt(simulation.purchases)} purchases of {formatInt(simulation.members)} members replayed.
      </p>
      <table>
        <caption>Points and cashback, as in force and with the draft</caption>
        <Header first="Rule" />
        <tbody>
          <Row label="Points" current={current.points} draft={draft.points} />
          {rules.map((rule) => (
            <Row key={rule} label={rule} current={current.byRule[rule] ?? 0} draft={draft.byRule[rule] ?? 0} />
          ))}
          <Row label="Cashback" current={current.cashback.value} draft={draft.cashback.value} format={money} />
        </tbody>
      </table>
      <table>
        <caption>Members per tier at the end of the period</caption>
        <Header first="Tier" />
        <tbody>
          {tiers.map((tier) => (
            <Row key={tier} label={tier} current={tierMoves.current[tier] ?? 0} draft={tierMoves.draft[tier] ?? 0} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * "Try on history" beside the program's Save: runs a simulation of the form's draft over the last
 * days (POST /v1/admin/program/simulations), follows its progress and shows the figures side by
 * side, current vs draft, with the difference by rule. It saves nothing. `draft` answers the
 * form's rules, or undefined when the form shows its own errors.
 */
export function TryOnHistory(props: { draft: () => Rules | undefined }) {
  const [days, setDays] = useState<(typeof PERIODS)[number]>(90);
  const [simulation, setSimulation] = useState<Simulation>();
  const [error, setError] = useState<unknown>();
  const running = simulation?.status === 'running';

  useEffect(() => {
    if (!simulation || simulation.status !== 'running') return;
    const timer = setTimeout(() => {
      call<Simulation>('GET', `/v1/admin/program/simulations/${simulation.simulationId}`)
        .then(({ body }) => setSimulation(body))
        .catch((e: unknown) => {
          setError(e);
          setSimulation(undefined);
        });
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [simulation]);

  const start = async () => {
    setError(undefined);
    const now = Date.now();
    try {
      // The JSON editor's text may not parse: the error is shown here, as any other.
      const program = props.draft();
      if (!program) return;
      const { body } = await call<{ simulationId: string }>('POST', '/v1/admin/program/simulations', {
        body: { program, from: new Date(now - days * DAY_MS).toISOString(), to: new Date(now).toISOString() },
      });
      setSimulation({
        simulationId: body.simulationId,
        status: 'running',
        purchases: 0,
        members: 0,
        progress: { processed: 0, total: 0 },
        current: { points: 0, cashback: { value: 0, currency: '' }, byRule: {} },
        draft: { points: 0, cashback: { value: 0, currency: '' }, byRule: {} },
        tierMoves: { current: {}, draft: {} },
      });
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div class="simulation" aria-live="polite">
      <label>
        Period{' '}
        <select value={days} onChange={(e) => setDays(Number(e.currentTarget.value) as (typeof PERIODS)[number])}>
          {PERIODS.map((period) => (
            <option key={period} value={period}>
              last {period} days
            </option>
          ))}
        </select>
      </label>{' '}
      <button type="button" class="secondary" disabled={running} onClick={() => void start()}>
        Try on history
      </button>
      <ProblemAlert error={error} />
      {running && (
        <p role="status">
          Replaying the history… {simulation.progress.processed} of {simulation.progress.total || '…'} steps
        </p>
      )}
      {simulation?.status === 'failed' && (
        <ProblemAlert error={new Error('The simulation failed; try again (nothing was changed).')} />
      )}
      {simulation?.status === 'done' && <Result simulation={simulation} />}
    </div>
  );
}
