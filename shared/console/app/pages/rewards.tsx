import { useState } from 'preact/hooks';
import { ApiProblem, call, type Page } from '../api';
import { Field, Pager, ProblemAlert, useLoad, usePager } from '../components';
import { formatInt, formatTime, localInput } from '../format';
import type { Program, Reward } from '../types';
import { RewardCodes } from './reward-codes';

/** The program's tiers, for the lowest-tier select (ids are what the API takes, names what people read). */
type Tiers = { id: string; name: string }[];
const loadTiers = () =>
  call<Program>('GET', '/v1/admin/program').then(({ body }) => (body as unknown as { tiers: Tiers }).tiers);

/** A reward's editable fields as the form holds them (text, as inputs do). */
interface RewardDraft {
  rewardId: string;
  name: string;
  pointsCost: string;
  stock: string;
  minTier: string;
  availableFrom: string;
  availableTo: string;
  active: boolean;
}

const emptyDraft: RewardDraft = {
  rewardId: '',
  name: '',
  pointsCost: '',
  stock: '',
  minTier: '',
  availableFrom: '',
  availableTo: '',
  active: true,
};

const draftOf = (reward: Reward): RewardDraft => ({
  rewardId: reward.rewardId,
  name: reward.name,
  pointsCost: String(reward.pointsCost),
  stock: reward.stock === undefined ? '' : String(reward.stock),
  minTier: reward.minTier ?? '',
  availableFrom: localInput(reward.availableFrom),
  availableTo: localInput(reward.availableTo),
  active: reward.active,
});

/**
 * The body of `PUT /v1/admin/rewards/{id}`: the whole reward is replaced, so what the form does
 * not show (a code reward's fulfilment) is sent back as it was read.
 */
function putBody(draft: RewardDraft, read: Reward | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: draft.name,
    pointsCost: Number(draft.pointsCost),
    active: draft.active,
  };
  if (read?.fulfilment) body.fulfilment = read.fulfilment;
  if (draft.stock.trim() !== '') body.stock = Number(draft.stock);
  if (draft.minTier) body.minTier = draft.minTier;
  if (draft.availableFrom) body.availableFrom = new Date(draft.availableFrom).toISOString();
  if (draft.availableTo) body.availableTo = new Date(draft.availableTo).toISOString();
  return body;
}

export function Rewards() {
  const pager = usePager();
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState<string>();
  const tiers = useLoad(loadTiers, []);
  const page = useLoad(
    () => call<Page<Reward>>('GET', '/v1/rewards', { query: { limit: 25, cursor: pager.cursor } }).then((r) => r.body),
    [pager.cursor, version],
  );
  const tierName = (id: string | undefined) => (id ? (tiers.data?.find((t) => t.id === id)?.name ?? id) : '—');
  const [notice, setNotice] = useState<string>();
  const saved = (message: string) => {
    setEditing(undefined);
    setNotice(message);
    setVersion((v) => v + 1);
  };
  const edited = page.data?.items.find((r) => r.rewardId === editing);
  return (
    <section aria-labelledby="rewards-title">
      <h1 id="rewards-title">Rewards</h1>
      <p class="muted">
        The active catalog. A deactivated reward leaves it (members no longer see or redeem it); saving it again with
        “Create or replace a reward” brings it back.
      </p>
      <ProblemAlert error={page.error} />
      {notice && <p role="status">{notice}</p>}
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
              <th scope="col">Lowest tier</th>
              <th scope="col">Available</th>
              <th scope="col">Stock</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
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
                <td>{tierName(r.minTier)}</td>
                <td>
                  {r.availableFrom || r.availableTo
                    ? `${formatTime(r.availableFrom)} – ${formatTime(r.availableTo)}`
                    : 'always'}
                </td>
                <td>
                  {r.stock === undefined ? 'unlimited' : formatInt(r.stock)}
                  {r.donated && (
                    <>
                      {' '}
                      — given {formatInt(r.donated.points)} points by {formatInt(r.donated.members)}{' '}
                      {r.donated.members === 1 ? 'member' : 'members'}
                    </>
                  )}
                </td>
                <td>
                  <button
                    type="button"
                    class="secondary"
                    aria-expanded={editing === r.rewardId}
                    onClick={() => setEditing(editing === r.rewardId ? undefined : r.rewardId)}
                  >
                    Edit {r.name}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager pager={pager} nextCursor={page.data?.nextCursor} />
      {edited?.fulfilment?.type === 'code' && (
        <RewardCodes key={`codes-${edited.rewardId}`} reward={edited} onUploaded={() => setVersion((v) => v + 1)} />
      )}
      {edited && (
        <RewardForm
          key={edited.rewardId}
          title={`Edit ${edited.name}`}
          read={edited}
          tiers={tiers.data ?? []}
          onSaved={saved}
          onCancel={() => setEditing(undefined)}
        />
      )}
      <RewardForm title="Create or replace a reward" tiers={tiers.data ?? []} onSaved={saved} />
    </section>
  );
}

/** One form for a new reward and for one edited in place: the whole reward, the tier as a select. */
function RewardForm(props: {
  title: string;
  read?: Reward;
  tiers: Tiers;
  onSaved: (message: string) => void;
  onCancel?: () => void;
}) {
  const { read } = props;
  const [form, setForm] = useState<RewardDraft>(read ? draftOf(read) : emptyDraft);
  const [error, setError] = useState<unknown>();
  const fields = error instanceof ApiProblem ? error.fieldErrors() : new Map<string, string>();
  const prefix = read ? `edit-${read.rewardId}` : 'reward';
  const set = (name: keyof RewardDraft) => (e: Event) =>
    setForm({ ...form, [name]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      const { status } = await call<Reward>('PUT', `/v1/admin/rewards/${encodeURIComponent(form.rewardId)}`, {
        body: putBody(form, read),
      });
      if (!read) setForm(emptyDraft);
      props.onSaved(
        status === 201
          ? `Created ${form.rewardId}.`
          : form.active
            ? `Saved ${form.rewardId}.`
            : `Saved ${form.rewardId}: deactivated, out of the catalog.`,
      );
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="card" aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>{props.title}</h2>
      <form class="grid-form" onSubmit={(e) => void submit(e)}>
        {!read && (
          <Field id="reward-id" label="Reward id" hint="1–128 of A–Z a–z 0–9 . _ : -" error={fields.get('rewardId')}>
            {(a) => <input {...a} required value={form.rewardId} onInput={set('rewardId')} />}
          </Field>
        )}
        <Field id={`${prefix}-name`} label="Name" error={fields.get('name')}>
          {(a) => <input {...a} required value={form.name} onInput={set('name')} />}
        </Field>
        <Field id={`${prefix}-cost`} label="Points cost" error={fields.get('pointsCost')}>
          {(a) => <input {...a} type="number" min={1} required value={form.pointsCost} onInput={set('pointsCost')} />}
        </Field>
        <Field id={`${prefix}-stock`} label="Stock (empty: unlimited)" error={fields.get('stock')}>
          {(a) => <input {...a} type="number" min={0} value={form.stock} onInput={set('stock')} />}
        </Field>
        <Field id={`${prefix}-tier`} label="Lowest tier" error={fields.get('minTier')}>
          {(a) => (
            <select {...a} value={form.minTier} onChange={set('minTier')}>
              <option value="">Every tier</option>
              {props.tiers.map((tier) => (
                <option key={tier.id} value={tier.id}>
                  {tier.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={`${prefix}-from`} label="Available from (optional)" error={fields.get('availableFrom')}>
          {(a) => <input {...a} type="datetime-local" value={form.availableFrom} onInput={set('availableFrom')} />}
        </Field>
        <Field id={`${prefix}-to`} label="Available to (optional)" error={fields.get('availableTo')}>
          {(a) => <input {...a} type="datetime-local" value={form.availableTo} onInput={set('availableTo')} />}
        </Field>
        {read && (
          <div class="field-check">
            <input
              id={`${prefix}-active`}
              type="checkbox"
              checked={form.active}
              onChange={(e) => setForm({ ...form, active: e.currentTarget.checked })}
            />
            <label for={`${prefix}-active`}>Active (unchecked: deactivated, out of the catalog)</label>
          </div>
        )}
        <div class="form-actions">
          <button type="submit">{read ? 'Save changes' : 'Save reward'}</button>
          {props.onCancel && (
            <button type="button" class="secondary" onClick={props.onCancel}>
              Cancel
            </button>
          )}
        </div>
      </form>
      {error !== undefined && fields.size === 0 && <ProblemAlert error={error} />}
    </section>
  );
}
