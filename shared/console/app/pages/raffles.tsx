import { useState } from 'preact/hooks';
import { allPages, ApiProblem, call, type Page } from '../api';
import { Field, Pager, ProblemAlert, useLoad, usePager } from '../components';
import { formatInt, formatMoney, formatTime, localInput, minorToMajor, parseMinor } from '../format';
import { checkRaffleDraw, type RaffleCheck } from '../raffle-check';
import { navigate } from '../router';
import type { AuditRecord, Money, Program } from '../types';

/**
 * A raffle as the API answers it (the contract's Raffle; typed here because the server's schema
 * module reaches node:crypto through the domain's draw, which the browser build cannot type).
 */
interface Raffle {
  raffleId: string;
  name: string;
  opensAt: string;
  closesAt: string;
  entries: { perAmount?: Money; pointsPerEntry?: number; maxPerMember?: number };
  prizes: { prizeId: string; name: string; quantity: number }[];
  minTier?: string;
  status: 'scheduled' | 'open' | 'closed' | 'drawn';
  seedHash: string;
  seed?: string;
  drawnAt?: string;
  winners?: { prizeId: string; memberId: string; entry: number }[];
}
type Entries = { memberId: string; entries: number };
type ProgramBasics = { currency: string; tiers: { id: string; name: string }[] };

const path = (raffleId: string) => `/v1/raffles/${encodeURIComponent(raffleId)}`;
const adminPath = (raffleId: string) => `/v1/admin/raffles/${encodeURIComponent(raffleId)}`;

/**
 * Every raffle: `GET /v1/raffles` lists those open and drawn; the ones not open yet or waiting
 * for their draw are found through the audit log's `raffle.saved` records (kept 400 days).
 */
async function loadRaffles(): Promise<Raffle[]> {
  const [listed, saved] = await Promise.all([
    allPages<Raffle>('/v1/raffles', {}),
    allPages<AuditRecord>('/v1/admin/audit', { kind: 'raffle.saved' }),
  ]);
  const known = new Set(listed.map((raffle) => raffle.raffleId));
  const others = [...new Set(saved.map((record) => record.target.replace(/^raffle:/, '')))].filter(
    (raffleId) => !known.has(raffleId),
  );
  const found = await Promise.all(others.map((raffleId) => call<Raffle>('GET', path(raffleId)).then((r) => r.body)));
  // Those still to draw first, then the newest window.
  const rank = { closed: 0, open: 1, scheduled: 2, drawn: 3 } as const;
  return [...listed, ...found].sort((a, b) => rank[a.status] - rank[b.status] || b.closesAt.localeCompare(a.closesAt));
}

const loadProgram = () =>
  call<Program>('GET', '/v1/admin/program').then(({ body }) => body as unknown as ProgramBasics);

const statusText: Record<Raffle['status'], string> = {
  scheduled: 'not open yet',
  open: 'open',
  closed: 'closed, waiting for the draw',
  drawn: 'drawn',
};

export function Raffles({ raffleId }: { raffleId?: string | undefined }) {
  return raffleId ? <RaffleDetail raffleId={raffleId} /> : <RaffleList />;
}

function RaffleList() {
  const [version, setVersion] = useState(0);
  const raffles = useLoad(loadRaffles, [version]);
  return (
    <section aria-labelledby="raffles-title">
      <h1 id="raffles-title">Raffles</h1>
      <p class="muted">
        Each raffle publishes the hash of a secret seed when it is created; the draw reveals the seed, so anyone can
        re-run the draw and check its winners.
      </p>
      <ProblemAlert error={raffles.error} />
      <div class="table-scroll">
        <table>
          <caption>Raffles, those waiting for a draw first</caption>
          <thead>
            <tr>
              <th scope="col">Raffle</th>
              <th scope="col">Status</th>
              <th scope="col">Window</th>
              <th scope="col">Entries</th>
              <th scope="col">Prizes</th>
            </tr>
          </thead>
          <tbody>
            {raffles.data?.map((raffle) => (
              <tr key={raffle.raffleId}>
                <td>
                  <a href={`#/raffles/${encodeURIComponent(raffle.raffleId)}`}>{raffle.name}</a>{' '}
                  <code>{raffle.raffleId}</code>
                </td>
                <td>{statusText[raffle.status]}</td>
                <td>
                  {formatTime(raffle.opensAt)} – {formatTime(raffle.closesAt)}
                </td>
                <td>{entryRules(raffle)}</td>
                <td>{raffle.prizes.map((prize) => `${prize.quantity} × ${prize.name}`).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {raffles.data?.length === 0 && <p>No raffle yet.</p>}
      <RaffleForm onSaved={(id) => (setVersion((v) => v + 1), navigate(`/raffles/${encodeURIComponent(id)}`))} />
    </section>
  );
}

function entryRules(raffle: Raffle): string {
  const { perAmount, pointsPerEntry, maxPerMember } = raffle.entries;
  return [
    perAmount && `one per ${formatMoney(perAmount)} spent`,
    pointsPerEntry && `${formatInt(pointsPerEntry)} points each`,
    maxPerMember && `at most ${formatInt(maxPerMember)} a member`,
    raffle.minTier && `from tier ${raffle.minTier}`,
  ]
    .filter(Boolean)
    .join('; ');
}

interface PrizeRow {
  prizeId: string;
  name: string;
  quantity: string;
}

const emptyForm = {
  raffleId: '',
  name: '',
  opensAt: '',
  closesAt: '',
  perAmount: '',
  pointsPerEntry: '',
  maxPerMember: '',
  minTier: '',
};
type RaffleDraft = typeof emptyForm;

const optionalNumber = (value: number | undefined) => (value === undefined ? '' : String(value));

/** A saved raffle as the form's fields (times in the browser's local time, money in major units). */
const draftOf = (raffle: Raffle): RaffleDraft => ({
  raffleId: raffle.raffleId,
  name: raffle.name,
  opensAt: localInput(raffle.opensAt),
  closesAt: localInput(raffle.closesAt),
  perAmount: raffle.entries.perAmount
    ? minorToMajor(raffle.entries.perAmount.value, raffle.entries.perAmount.currency)
    : '',
  pointsPerEntry: optionalNumber(raffle.entries.pointsPerEntry),
  maxPerMember: optionalNumber(raffle.entries.maxPerMember),
  minTier: raffle.minTier ?? '',
});

const prizeRowsOf = (raffle: Raffle): PrizeRow[] =>
  raffle.prizes.map((prize) => ({ prizeId: prize.prizeId, name: prize.name, quantity: String(prize.quantity) }));

/**
 * A time of the form as the API takes it. A field left as it was read sends the saved instant
 * itself: the form shows minutes, and a raffle saved to the second must not read as changed
 * (an open raffle's window may not change: 409).
 */
const timeOf = (value: string, read: string | undefined) =>
  read !== undefined && value === localInput(read) ? read : value ? new Date(value).toISOString() : '';

/**
 * One form for a new raffle and for one edited in place (the contract's PUT takes the whole
 * raffle). Before it opens everything may change; once open only the name, and the API's 409
 * for any other change is shown here.
 */
function RaffleForm({ read, onSaved }: { read?: Raffle; onSaved: (raffleId: string) => void }) {
  const program = useLoad(loadProgram, []);
  const [form, setForm] = useState(read ? draftOf(read) : emptyForm);
  const [prizes, setPrizes] = useState<PrizeRow[]>(
    read ? prizeRowsOf(read) : [{ prizeId: '', name: '', quantity: '1' }],
  );
  const [error, setError] = useState<unknown>();
  const [amountError, setAmountError] = useState<string>();
  const fields = error instanceof ApiProblem ? error.fieldErrors() : new Map<string, string>();
  const currency = program.data?.currency ?? read?.entries.perAmount?.currency ?? 'EUR';
  const prefix = read ? 'edit-raffle' : 'raffle';
  const set = (name: keyof RaffleDraft) => (e: Event) =>
    setForm({ ...form, [name]: (e.currentTarget as HTMLInputElement).value });
  const setPrize = (index: number, name: keyof PrizeRow) => (e: Event) =>
    setPrizes(prizes.map((p, i) => (i === index ? { ...p, [name]: (e.currentTarget as HTMLInputElement).value } : p)));

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    const perAmount = form.perAmount.trim() ? parseMinor(form.perAmount, currency) : undefined;
    setAmountError(
      form.perAmount.trim() && perAmount === undefined ? `An amount in ${currency}, e.g. 20.00` : undefined,
    );
    if (form.perAmount.trim() && perAmount === undefined) return;
    const entries: Record<string, unknown> = {};
    if (perAmount !== undefined) entries.perAmount = { value: perAmount, currency };
    if (form.pointsPerEntry.trim()) entries.pointsPerEntry = Number(form.pointsPerEntry);
    if (form.maxPerMember.trim()) entries.maxPerMember = Number(form.maxPerMember);
    const body = {
      name: form.name,
      opensAt: timeOf(form.opensAt, read?.opensAt),
      closesAt: timeOf(form.closesAt, read?.closesAt),
      entries,
      prizes: prizes.map((p) => ({ prizeId: p.prizeId, name: p.name, quantity: Number(p.quantity) })),
      ...(form.minTier ? { minTier: form.minTier } : {}),
    };
    try {
      await call<Raffle>('PUT', adminPath(form.raffleId), { body });
      onSaved(form.raffleId);
    } catch (e) {
      setError(e);
    }
  };

  const title = read ? `Edit ${read.name}` : 'Create a raffle';
  return (
    <section class="card" aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>{title}</h2>
      {read && read.status !== 'scheduled' && (
        <p class="muted">
          Open since {formatTime(read.opensAt)}: only the name can change now; any other change is refused.
        </p>
      )}
      <form class="grid-form" onSubmit={(e) => void submit(e)}>
        {!read && (
          <Field id="raffle-id" label="Raffle id" hint="1–128 of A–Z a–z 0–9 . _ : -" error={fields.get('raffleId')}>
            {(a) => <input {...a} required value={form.raffleId} onInput={set('raffleId')} />}
          </Field>
        )}
        <Field id={`${prefix}-name`} label="Name" error={fields.get('name')}>
          {(a) => <input {...a} required value={form.name} onInput={set('name')} />}
        </Field>
        <Field id={`${prefix}-opens`} label="Opens at" hint="Your local time" error={fields.get('opensAt')}>
          {(a) => <input {...a} type="datetime-local" required value={form.opensAt} onInput={set('opensAt')} />}
        </Field>
        <Field
          id={`${prefix}-closes`}
          label="Closes at"
          hint="Entries end here; the draw is possible from then on"
          error={fields.get('closesAt')}
        >
          {(a) => <input {...a} type="datetime-local" required value={form.closesAt} onInput={set('closesAt')} />}
        </Field>
        <Field
          id={`${prefix}-per-amount`}
          label={`One entry per amount spent (${currency}, optional)`}
          hint="A purchase in the window adds ⌊amount ÷ this⌋ entries"
          error={amountError ?? fields.get('entries.perAmount') ?? fields.get('entries.perAmount.value')}
        >
          {(a) => <input {...a} inputMode="decimal" value={form.perAmount} onInput={set('perAmount')} />}
        </Field>
        <Field
          id={`${prefix}-points`}
          label="Points per entry (optional)"
          hint="Members may buy entries with points"
          error={fields.get('entries.pointsPerEntry') ?? fields.get('entries')}
        >
          {(a) => <input {...a} type="number" min={1} value={form.pointsPerEntry} onInput={set('pointsPerEntry')} />}
        </Field>
        <Field
          id={`${prefix}-max`}
          label="Entries per member at most (optional)"
          error={fields.get('entries.maxPerMember')}
        >
          {(a) => <input {...a} type="number" min={1} value={form.maxPerMember} onInput={set('maxPerMember')} />}
        </Field>
        <Field id={`${prefix}-tier`} label="Lowest tier that takes part" error={fields.get('minTier')}>
          {(a) => (
            <select {...a} value={form.minTier} onChange={set('minTier')}>
              <option value="">Every tier</option>
              {program.data?.tiers.map((tier) => (
                <option key={tier.id} value={tier.id}>
                  {tier.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset class="prizes">
          <legend>Prizes, drawn in this order</legend>
          {prizes.map((prize, index) => (
            <div class="array-item inline-form" key={index}>
              <Field
                id={`${prefix}-prize-${index}-id`}
                label={`Prize ${index + 1} id`}
                error={fields.get(`prizes.${index}.prizeId`)}
              >
                {(a) => <input {...a} required value={prize.prizeId} onInput={setPrize(index, 'prizeId')} />}
              </Field>
              <Field
                id={`${prefix}-prize-${index}-name`}
                label={`Prize ${index + 1} name`}
                error={fields.get(`prizes.${index}.name`)}
              >
                {(a) => <input {...a} required value={prize.name} onInput={setPrize(index, 'name')} />}
              </Field>
              <Field
                id={`${prefix}-prize-${index}-quantity`}
                label={`Prize ${index + 1} units`}
                error={fields.get(`prizes.${index}.quantity`)}
              >
                {(a) => (
                  <input
                    {...a}
                    type="number"
                    min={1}
                    required
                    value={prize.quantity}
                    onInput={setPrize(index, 'quantity')}
                  />
                )}
              </Field>
              {prizes.length > 1 && (
                <button type="button" class="secondary" onClick={() => setPrizes(prizes.filter((_, i) => i !== index))}>
                  Remove prize {index + 1}
                </button>
              )}
            </div>
          ))}
          {fields.get('prizes') && <p class="field-error">{fields.get('prizes')}</p>}
          <button
            type="button"
            class="secondary"
            onClick={() => setPrizes([...prizes, { prizeId: '', name: '', quantity: '1' }])}
          >
            Add a prize
          </button>
        </fieldset>
        <div class="form-actions">
          <button type="submit">{read ? 'Save changes' : 'Create raffle'}</button>
        </div>
      </form>
      {error !== undefined && <ProblemAlert error={error} />}
    </section>
  );
}

function RaffleDetail({ raffleId }: { raffleId: string }) {
  const [version, setVersion] = useState(0);
  const raffle = useLoad(() => call<Raffle>('GET', path(raffleId)).then((r) => r.body), [raffleId, version]);
  const [drawError, setDrawError] = useState<unknown>();
  const [drawing, setDrawing] = useState(false);
  const [notice, setNotice] = useState<string>();
  const draw = async () => {
    setDrawError(undefined);
    setDrawing(true);
    try {
      await call<Raffle>('POST', `${adminPath(raffleId)}/draw`);
      setVersion((v) => v + 1);
    } catch (e) {
      setDrawError(e);
    } finally {
      setDrawing(false);
    }
  };
  const r = raffle.data;
  return (
    <section aria-labelledby="raffle-title">
      <p>
        <a href="#/raffles">All raffles</a>
      </p>
      <h1 id="raffle-title">Raffles</h1>
      <ProblemAlert error={raffle.error} />
      {r && (
        <>
          <h2>
            {r.name} <code>{r.raffleId}</code>
          </h2>
          <dl class="facts">
            <dt>Status</dt>
            <dd data-testid="raffle-status">{statusText[r.status]}</dd>
            <dt>Window</dt>
            <dd>
              {formatTime(r.opensAt)} – {formatTime(r.closesAt)}
            </dd>
            <dt>Entries</dt>
            <dd>{entryRules(r)}</dd>
            <dt>Prizes</dt>
            <dd>{r.prizes.map((prize) => `${prize.quantity} × ${prize.name} (${prize.prizeId})`).join(', ')}</dd>
            <dt>Seed hash (published at creation)</dt>
            <dd>
              <code class="wrap">{r.seedHash}</code>
            </dd>
            {r.seed && (
              <>
                <dt>Seed (revealed by the draw {formatTime(r.drawnAt)})</dt>
                <dd>
                  <code class="wrap" data-testid="raffle-seed">
                    {r.seed}
                  </code>
                </dd>
              </>
            )}
          </dl>
          {r.status === 'closed' && (
            <button type="button" disabled={drawing} onClick={() => void draw()}>
              Draw the winners
            </button>
          )}
          {(r.status === 'open' || r.status === 'scheduled') && (
            <p class="muted">The draw is possible from {formatTime(r.closesAt)}, when entries close.</p>
          )}
          <ProblemAlert error={drawError} />
          {notice && <p role="status">{notice}</p>}
          {r.status === 'drawn' && <Winners raffle={r} />}
          <EntriesList raffleId={r.raffleId} version={version} />
          <RaffleForm
            // A new form for each saved state: the list reloads after a save, and the form must start from what was saved.
            key={JSON.stringify([r.raffleId, r.name, r.opensAt, r.closesAt, r.entries, r.prizes, r.minTier])}
            read={r}
            onSaved={() => {
              setNotice(`Saved ${r.raffleId}.`);
              setVersion((v) => v + 1);
            }}
          />
        </>
      )}
    </section>
  );
}

function Winners({ raffle }: { raffle: Raffle }) {
  const [check, setCheck] = useState<RaffleCheck>();
  const [error, setError] = useState<unknown>();
  const [checking, setChecking] = useState(false);
  const prizeName = new Map(raffle.prizes.map((prize) => [prize.prizeId, prize.name]));
  const run = async () => {
    setError(undefined);
    setChecking(true);
    try {
      const entries = await allPages<Entries>(`${adminPath(raffle.raffleId)}/entries`, {}, 10_000);
      setCheck(await checkRaffleDraw(raffle, entries));
    } catch (e) {
      setError(e);
    } finally {
      setChecking(false);
    }
  };
  return (
    <section aria-labelledby="winners-title">
      <h2 id="winners-title">Winners</h2>
      <div class="table-scroll">
        <table class="winners">
          <caption>In draw order: prize, member and the member's winning entry</caption>
          <thead>
            <tr>
              <th scope="col">Prize</th>
              <th scope="col">Member</th>
              <th scope="col" class="num">
                Winning entry
              </th>
            </tr>
          </thead>
          <tbody>
            {raffle.winners?.map((winner, index) => (
              <tr key={index}>
                <td>{prizeName.get(winner.prizeId) ?? winner.prizeId}</td>
                <td>
                  <a href={`#/members/${encodeURIComponent(winner.memberId)}`}>
                    <code>{winner.memberId}</code>
                  </a>
                </td>
                <td class="num">{winner.entry}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {raffle.winners?.length === 0 && <p>No entries: nobody won.</p>}
      <p class="muted">
        Anyone holding the seed and the entries list can re-run the draw (the procedure and a verifier script are in
        shared/README.md, “Raffles: a draw anyone can verify”). This page runs the same procedure here:
      </p>
      <button type="button" class="secondary" disabled={checking} onClick={() => void run()}>
        Check the draw in this browser
      </button>
      <ProblemAlert error={error} />
      {check && (
        <ul role="status" data-testid="raffle-check">
          <li>The seed {check.seedHashMatches ? 'matches' : 'does NOT match'} the seed hash published at creation.</li>
          <li>
            Re-drawn from the seed over {formatInt(check.tickets)} entries, the winners{' '}
            {check.winnersMatch ? 'match the published winners' : 'do NOT match the published winners'}.
          </li>
        </ul>
      )}
    </section>
  );
}

function EntriesList({ raffleId, version }: { raffleId: string; version: number }) {
  const pager = usePager();
  const entries = useLoad(
    () =>
      call<Page<Entries>>('GET', `${adminPath(raffleId)}/entries`, { query: { limit: 25, cursor: pager.cursor } }).then(
        (r) => r.body,
      ),
    [raffleId, pager.cursor, version],
  );
  return (
    <section aria-labelledby="entries-title">
      <h2 id="entries-title">Entries</h2>
      <ProblemAlert error={entries.error} />
      <div class="table-scroll">
        <table class="raffle-entries">
          <caption>Each member's entries, by member id (the order of the draw's tickets)</caption>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col" class="num">
                Entries
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.data?.items.map((entry) => (
              <tr key={entry.memberId}>
                <td>
                  <a href={`#/members/${encodeURIComponent(entry.memberId)}`}>
                    <code>{entry.memberId}</code>
                  </a>
                </td>
                <td class="num">{formatInt(entry.entries)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {entries.data?.items.length === 0 && <p>No entries yet.</p>}
      <Pager pager={pager} nextCursor={entries.data?.nextCursor} />
    </section>
  );
}
