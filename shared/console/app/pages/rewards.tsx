import { useState } from 'preact/hooks';
import { ApiProblem, call, type Page } from '../api';
import { Field, Pager, ProblemAlert, useLoad, usePager } from '../components';
import { formatInt, formatTime } from '../format';
import type { Reward } from '../types';

/** The body of `PUT /v1/admin/rewards/{id}` for a reward as read (the whole reward is replaced). */
function putBody(reward: Reward, stock: number | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = { ...reward };
  for (const readOnly of ['rewardId', 'updatedAt', 'stock']) delete body[readOnly];
  return stock === undefined ? body : { ...body, stock };
}

export function Rewards() {
  const pager = usePager();
  const [version, setVersion] = useState(0);
  const page = useLoad(
    () => call<Page<Reward>>('GET', '/v1/rewards', { query: { limit: 25, cursor: pager.cursor } }).then((r) => r.body),
    [pager.cursor, version],
  );
  return (
    <section aria-labelledby="rewards-title">
      <h1 id="rewards-title">Rewards</h1>
      <ProblemAlert error={page.error} />
      <div class="table-scroll">
        <table>
          <caption>Active rewards of the catalog</caption>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Name</th>
              <th scope="col" class="num">
                Points
              </th>
              <th scope="col">Min tier</th>
              <th scope="col">Available</th>
              <th scope="col">Stock</th>
            </tr>
          </thead>
          <tbody>
            {page.data?.items.map((r) => (
              <tr key={r.rewardId}>
                <td>
                  <code>{r.rewardId}</code>
                </td>
                <td>{r.name}</td>
                <td class="num">{formatInt(r.pointsCost)}</td>
                <td>{r.minTier ?? '—'}</td>
                <td>
                  {r.availableFrom || r.availableTo
                    ? `${formatTime(r.availableFrom)} – ${formatTime(r.availableTo)}`
                    : 'always'}
                </td>
                <td>
                  <StockEditor reward={r} onSaved={() => setVersion((v) => v + 1)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager
        page={pager.page}
        nextCursor={page.data?.nextCursor}
        onNext={() => page.data?.nextCursor && pager.next(page.data.nextCursor)}
        onPrevious={pager.previous}
      />
      <CreateReward onCreated={() => setVersion((v) => v + 1)} />
    </section>
  );
}

function StockEditor({ reward, onSaved }: { reward: Reward; onSaved: () => void }) {
  const [stock, setStock] = useState(reward.stock === undefined ? '' : String(reward.stock));
  const [error, setError] = useState<unknown>();
  const id = `stock-${reward.rewardId}`;
  const save = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      await call('PUT', `/v1/admin/rewards/${encodeURIComponent(reward.rewardId)}`, {
        body: putBody(reward, stock.trim() === '' ? undefined : Number(stock)),
      });
      onSaved();
    } catch (e) {
      setError(e);
    }
  };
  const message = error instanceof ApiProblem ? (error.fieldErrors().get('stock') ?? error.message) : undefined;
  return (
    <form class="inline-form compact" onSubmit={(e) => void save(e)}>
      <label for={id} class="visually-hidden">
        Stock of {reward.name}
      </label>
      <input
        id={id}
        type="number"
        min={0}
        step={1}
        placeholder="unlimited"
        value={stock}
        onInput={(e) => setStock(e.currentTarget.value)}
        {...(message ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-error` } : {})}
      />
      <button type="submit" class="secondary">
        Save stock
      </button>
      {message && (
        <span class="field-error" id={`${id}-error`}>
          {message}
        </span>
      )}
    </form>
  );
}

function CreateReward({ onCreated }: { onCreated: () => void }) {
  const empty = { rewardId: '', name: '', pointsCost: '', stock: '', minTier: '', availableFrom: '', availableTo: '' };
  const [form, setForm] = useState(empty);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const fields = error instanceof ApiProblem ? error.fieldErrors() : new Map<string, string>();
  const set = (name: keyof typeof empty) => (e: Event) =>
    setForm({ ...form, [name]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    setDone(undefined);
    const body: Record<string, unknown> = { name: form.name, pointsCost: Number(form.pointsCost) };
    if (form.stock.trim()) body.stock = Number(form.stock);
    if (form.minTier.trim()) body.minTier = form.minTier.trim();
    if (form.availableFrom) body.availableFrom = new Date(form.availableFrom).toISOString();
    if (form.availableTo) body.availableTo = new Date(form.availableTo).toISOString();
    try {
      const { status } = await call<Reward>('PUT', `/v1/admin/rewards/${encodeURIComponent(form.rewardId)}`, { body });
      setDone(status === 201 ? `Created ${form.rewardId}.` : `Replaced ${form.rewardId}.`);
      setForm(empty);
      onCreated();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="card" aria-labelledby="create-reward-title">
      <h2 id="create-reward-title">Create or replace a reward</h2>
      <form class="grid-form" onSubmit={(e) => void submit(e)}>
        <Field id="reward-id" label="Reward id" hint="1–128 of A–Z a–z 0–9 . _ : -" error={fields.get('rewardId')}>
          {(a) => <input {...a} required value={form.rewardId} onInput={set('rewardId')} />}
        </Field>
        <Field id="reward-name" label="Name" error={fields.get('name')}>
          {(a) => <input {...a} required value={form.name} onInput={set('name')} />}
        </Field>
        <Field id="reward-cost" label="Points cost" error={fields.get('pointsCost')}>
          {(a) => <input {...a} type="number" min={1} required value={form.pointsCost} onInput={set('pointsCost')} />}
        </Field>
        <Field id="reward-stock" label="Stock (empty: unlimited)" error={fields.get('stock')}>
          {(a) => <input {...a} type="number" min={0} value={form.stock} onInput={set('stock')} />}
        </Field>
        <Field id="reward-tier" label="Lowest tier (optional)" error={fields.get('minTier')}>
          {(a) => <input {...a} value={form.minTier} onInput={set('minTier')} />}
        </Field>
        <Field id="reward-from" label="Available from (optional)" error={fields.get('availableFrom')}>
          {(a) => <input {...a} type="datetime-local" value={form.availableFrom} onInput={set('availableFrom')} />}
        </Field>
        <Field id="reward-to" label="Available to (optional)" error={fields.get('availableTo')}>
          {(a) => <input {...a} type="datetime-local" value={form.availableTo} onInput={set('availableTo')} />}
        </Field>
        <div class="form-actions">
          <button type="submit">Save reward</button>
        </div>
      </form>
      {error !== undefined && fields.size === 0 && <ProblemAlert error={error} />}
      {done && <p role="status">{done}</p>}
    </section>
  );
}
