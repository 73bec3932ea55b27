import { useState } from 'preact/hooks';
import { ApiProblem, call, type Page } from '../api';
import { Field, Pager, ProblemAlert, useLoad, usePager } from '../components';
import { formatInt, formatTime } from '../format';

/** A campaign as `GET /v1/admin/campaigns` answers it. */
interface Campaign {
  campaignId: string;
  name: string;
  segmentId: string;
  startsAt: string;
  endsAt?: string;
  effect:
    | { type: 'bonus'; points: number }
    | { type: 'reward'; rewardId: string }
    | { type: 'multiplier'; factor: number; days: number };
  limits: { perMember: number };
  updatedAt: string;
}

function describeEffect(effect: Campaign['effect']): string {
  if (effect.type === 'bonus') return `${formatInt(effect.points)} bonus points`;
  if (effect.type === 'reward') return `a code of ${effect.rewardId}`;
  return `×${effect.factor} points for ${effect.days} days`;
}

/** The campaigns: what a member gets on entering a segment; create, replace and delete. */
export function Campaigns() {
  const pager = usePager();
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<unknown>();
  const page = useLoad(
    () =>
      call<Page<Campaign>>('GET', '/v1/admin/campaigns', { query: { limit: 25, cursor: pager.cursor } }).then(
        (r) => r.body,
      ),
    [pager.cursor, version],
  );
  const remove = async (campaignId: string) => {
    setError(undefined);
    try {
      await call('DELETE', `/v1/admin/campaigns/${encodeURIComponent(campaignId)}`);
      setVersion((v) => v + 1);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="campaigns-title">
      <h1 id="campaigns-title">Campaigns</h1>
      <p>On entering its segment inside its window, a member gets the campaign once (or up to its limit).</p>
      <ProblemAlert error={page.error ?? error} />
      <div class="table-scroll">
        <table>
          <caption>Campaigns in id order</caption>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Name</th>
              <th scope="col">Segment</th>
              <th scope="col">Window</th>
              <th scope="col">Gives</th>
              <th scope="col" class="num">
                Per member
              </th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {page.data?.items.map((c) => (
              <tr key={c.campaignId}>
                <td>
                  <code>{c.campaignId}</code>
                </td>
                <td>{c.name}</td>
                <td>
                  <code>{c.segmentId}</code>
                </td>
                <td>{`${formatTime(c.startsAt)} – ${c.endsAt ? formatTime(c.endsAt) : 'no end'}`}</td>
                <td>{describeEffect(c.effect)}</td>
                <td class="num">{formatInt(c.limits.perMember)}</td>
                <td>
                  <button type="button" class="secondary" onClick={() => void remove(c.campaignId)}>
                    Delete <span class="visually-hidden">{c.campaignId}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager pager={pager} nextCursor={page.data?.nextCursor} />
      <SaveCampaign onSaved={() => setVersion((v) => v + 1)} />
    </section>
  );
}

const empty = {
  campaignId: '',
  name: '',
  segmentId: '',
  startsAt: '',
  endsAt: '',
  type: 'bonus',
  points: '',
  rewardId: '',
  factor: '',
  days: '',
  perMember: '1',
};

function effectOf(form: typeof empty): Record<string, unknown> {
  if (form.type === 'reward') return { type: 'reward', rewardId: form.rewardId.trim() };
  if (form.type === 'multiplier') return { type: 'multiplier', factor: Number(form.factor), days: Number(form.days) };
  return { type: 'bonus', points: Number(form.points) };
}

function SaveCampaign({ onSaved }: { onSaved: () => void }) {
  const [form, setForm] = useState(empty);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const fields = error instanceof ApiProblem ? error.fieldErrors() : new Map<string, string>();
  const set = (name: keyof typeof empty) => (e: Event) =>
    setForm({ ...form, [name]: (e.currentTarget as HTMLInputElement | HTMLSelectElement).value });
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    setDone(undefined);
    const body: Record<string, unknown> = {
      name: form.name,
      segmentId: form.segmentId.trim(),
      startsAt: form.startsAt ? new Date(form.startsAt).toISOString() : '',
      effect: effectOf(form),
      limits: { perMember: Number(form.perMember) },
    };
    if (form.endsAt) body.endsAt = new Date(form.endsAt).toISOString();
    try {
      const { status } = await call('PUT', `/v1/admin/campaigns/${encodeURIComponent(form.campaignId)}`, { body });
      setDone(status === 201 ? `Created ${form.campaignId}.` : `Saved ${form.campaignId}.`);
      setForm(empty);
      onSaved();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="card" aria-labelledby="save-campaign-title">
      <h2 id="save-campaign-title">Create or replace a campaign</h2>
      <form class="grid-form" onSubmit={(e) => void submit(e)}>
        <Field
          id="campaign-id"
          label="Campaign id"
          hint="1–128 of A–Z a–z 0–9 . _ : -"
          error={fields.get('campaignId')}
        >
          {(a) => <input {...a} required value={form.campaignId} onInput={set('campaignId')} />}
        </Field>
        <Field id="campaign-name" label="Name" error={fields.get('name')}>
          {(a) => <input {...a} required value={form.name} onInput={set('name')} />}
        </Field>
        <Field id="campaign-segment" label="Segment id" error={fields.get('segmentId')}>
          {(a) => <input {...a} required value={form.segmentId} onInput={set('segmentId')} />}
        </Field>
        <Field id="campaign-starts" label="Starts at" error={fields.get('startsAt')}>
          {(a) => <input {...a} type="datetime-local" required value={form.startsAt} onInput={set('startsAt')} />}
        </Field>
        <Field id="campaign-ends" label="Ends at (optional)" error={fields.get('endsAt')}>
          {(a) => <input {...a} type="datetime-local" value={form.endsAt} onInput={set('endsAt')} />}
        </Field>
        <Field id="campaign-type" label="Gives" error={fields.get('effect.type')}>
          {(a) => (
            <select {...a} value={form.type} onChange={set('type')}>
              <option value="bonus">Bonus points</option>
              <option value="reward">A reward's code</option>
              <option value="multiplier">More points on purchases for some days</option>
            </select>
          )}
        </Field>
        {form.type === 'bonus' && (
          <Field id="campaign-points" label="Bonus points" error={fields.get('effect.points')}>
            {(a) => <input {...a} type="number" min={1} required value={form.points} onInput={set('points')} />}
          </Field>
        )}
        {form.type === 'reward' && (
          <Field id="campaign-reward" label="Reward id (a code reward)" error={fields.get('effect.rewardId')}>
            {(a) => <input {...a} required value={form.rewardId} onInput={set('rewardId')} />}
          </Field>
        )}
        {form.type === 'multiplier' && (
          <>
            <Field id="campaign-factor" label="Factor (1.01–10)" error={fields.get('effect.factor')}>
              {(a) => <input {...a} type="number" step="0.01" required value={form.factor} onInput={set('factor')} />}
            </Field>
            <Field id="campaign-days" label="Days (1–365)" error={fields.get('effect.days')}>
              {(a) => <input {...a} type="number" step={1} required value={form.days} onInput={set('days')} />}
            </Field>
          </>
        )}
        <Field id="campaign-per-member" label="Times per member" error={fields.get('limits.perMember')}>
          {(a) => <input {...a} type="number" step={1} required value={form.perMember} onInput={set('perMember')} />}
        </Field>
        <div class="form-actions">
          <button type="submit">Save campaign</button>
        </div>
      </form>
      {error !== undefined && fields.size === 0 && <ProblemAlert error={error} />}
      {done && <p role="status">{done}</p>}
    </section>
  );
}
