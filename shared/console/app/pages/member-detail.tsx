import { useState } from 'preact/hooks';
import { can, useAccess } from '../access';
import { allPages, ApiProblem, call, type Page } from '../api';
import { Field, Pager, ProblemAlert, useLoad, usePager } from '../components';
import { download, downloadCsv } from '../csv';
import { ledgerExportMessage, readLedgerForExport } from '../ledger-export';
import { formatInt, formatMinor, formatMoney, formatTime, minorToMajor, parseMinor } from '../format';
import type { Member, Partner, Transaction } from '../types';
import { navigate } from '../router';
import { ProfileFields } from './members';

export function MemberDetail({ memberId }: { memberId: string }) {
  const access = useAccess();
  const [version, setVersion] = useState(0);
  const member = useLoad(
    () => call<Member>('GET', `/v1/members/${encodeURIComponent(memberId)}`).then((r) => r.body),
    [memberId, version],
  );
  if (member.loading && !member.data) return <p aria-live="polite">Loading member…</p>;
  if (member.error) return <ProblemAlert error={member.error} />;
  const m = member.data;
  if (!m) return null;
  const currency = m.cashback.currency;
  const next = m.tier.nextTier;
  const progressMax = next ? m.tier.qualifyingSpend.value + next.remainingSpend.value : 1;
  return (
    <div class="member wrap" data-member-id={m.memberId}>
      <h2>
        {m.name ?? 'Member'} <code>{m.memberId}</code> {m.status === 'erased' && <span class="badge">erased</span>}
      </h2>
      <div class="cards">
        <section class="card" aria-labelledby="profile-title">
          <h3 id="profile-title">Profile</h3>
          <dl>
            <dt>External id</dt>
            <dd>{m.externalId ?? '—'}</dd>
            <dt>E-mail</dt>
            <dd>{m.email ?? '—'}</dd>
            <dt>Birthday</dt>
            <dd>{m.birthday ?? '—'}</dd>
            <dt>Enrolled</dt>
            <dd>{formatTime(m.createdAt)}</dd>
            <dt>Referral code</dt>
            <dd>
              <code>{m.referralCode}</code>
            </dd>
            <dt>Consent</dt>
            <dd>
              marketing {m.consent.marketing ? 'yes' : 'no'}, analytics {m.consent.analytics ? 'yes' : 'no'}
            </dd>
          </dl>
        </section>
        <section class="card" aria-labelledby="tier-title">
          <h3 id="tier-title">Tier: {m.tier.name}</h3>
          <p>
            Qualifying spend {formatMoney(m.tier.qualifyingSpend)}; discount {(m.tier.discountRate / 100).toFixed(2)} %
          </p>
          {next ? (
            <>
              <label for="tier-progress">
                {formatMoney(next.remainingSpend)} more qualifying spend to {next.name}
              </label>
              <progress id="tier-progress" max={progressMax} value={m.tier.qualifyingSpend.value} />
            </>
          ) : (
            <p>Highest tier.</p>
          )}
        </section>
        <section class="card" aria-labelledby="balances-title">
          <h3 id="balances-title">Balances</h3>
          <dl>
            <dt>Points available</dt>
            <dd data-testid="points-balance">{formatInt(m.points.balance)}</dd>
            {m.points.pending !== undefined && (
              <>
                <dt>Points pending</dt>
                <dd data-testid="points-pending">{formatInt(m.points.pending)}</dd>
              </>
            )}
            <dt>Lifetime earned / redeemed</dt>
            <dd>
              {formatInt(m.points.lifetimeEarned)} / {formatInt(m.points.lifetimeRedeemed)}
            </dd>
            <dt>Expiring</dt>
            <dd>
              {m.points.expiring && m.points.expiring.length > 0
                ? m.points.expiring.map((e) => `${formatInt(e.points)} on ${formatTime(e.expiresAt)}`).join('; ')
                : m.points.expiresAt
                  ? `all on ${formatTime(m.points.expiresAt)}`
                  : 'nothing'}
            </dd>
            <dt>Cashback available</dt>
            <dd>{formatMinor(m.cashback.available, currency)}</dd>
            <dt>Cashback pending</dt>
            <dd>{formatMinor(m.cashback.pending, currency)}</dd>
          </dl>
        </section>
      </div>
      {m.status !== 'erased' && <MemberSegments memberId={m.memberId} version={version} />}
      {m.status !== 'erased' && (
        <MemberCodes memberId={m.memberId} version={version} onCancelled={() => setVersion((v) => v + 1)} />
      )}
      <MemberActions member={m} onChanged={() => setVersion((v) => v + 1)} />
      {can(access, 'members:write') && <Profile member={m} onSaved={() => setVersion((v) => v + 1)} />}
      {can(access, 'points:adjust') && (
        <Adjustment memberId={m.memberId} currency={currency} onDone={() => setVersion((v) => v + 1)} />
      )}
      <Ledger memberId={m.memberId} version={version} />
    </div>
  );
}

/** The segments the member is in now and since when (`GET /v1/members/{id}/segments`, members:read). */
function MemberSegments({ memberId, version }: { memberId: string; version: number }) {
  const segments = useLoad(
    () =>
      call<{ segmentId: string; since: string }[]>('GET', `/v1/members/${encodeURIComponent(memberId)}/segments`).then(
        (r) => r.body,
      ),
    [memberId, version],
  );
  return (
    <section class="card" aria-labelledby="member-segments-title">
      <h3 id="member-segments-title">Segments</h3>
      <ProblemAlert error={segments.error} />
      {segments.data && segments.data.length === 0 && <p>In no segment.</p>}
      {segments.data && segments.data.length > 0 && (
        <ul data-testid="member-segments">
          {segments.data.map((s) => (
            <li key={s.segmentId}>
              <code>{s.segmentId}</code> since {formatTime(s.since)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

interface MemberCode {
  codeId: string;
  code?: string;
  rewardId: string;
  status: 'issued' | 'used' | 'expired' | 'cancelled';
  expiresAt: string;
  usedAt?: string;
  orderId?: string;
}

/**
 * The member's reward codes, newest first; an admin key cancels one still issued (its points come
 * back). Partner keys see them only: the console does not learn a key's points:redeem scope.
 */
function MemberCodes(props: { memberId: string; version: number; onCancelled: () => void }) {
  const access = useAccess();
  const pager = usePager();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const codes = useLoad(
    () =>
      call<Page<MemberCode>>('GET', `/v1/members/${encodeURIComponent(props.memberId)}/codes`, {
        query: { limit: 10, cursor: pager.cursor },
      }).then((r) => r.body),
    [props.memberId, props.version, pager.cursor],
  );
  const cancel = async (codeId: string) => {
    setError(undefined);
    try {
      await call(
        'POST',
        `/v1/members/${encodeURIComponent(props.memberId)}/codes/${encodeURIComponent(codeId)}/cancel`,
        { body: { reason: reason.trim() || 'Cancelled from the console' } },
      );
      setReason('');
      props.onCancelled();
    } catch (e) {
      setError(e);
    }
  };
  const items = codes.data?.items ?? [];
  return (
    <section class="card" aria-labelledby="member-codes-title">
      <h3 id="member-codes-title">Codes</h3>
      <ProblemAlert error={codes.error ?? error} />
      {codes.data && items.length === 0 && <p>No codes.</p>}
      {items.length > 0 && (
        <>
          {access.admin && (
            <Field id="code-cancel-reason" label="Reason for a cancel">
              {(attributes) => (
                <input
                  {...attributes}
                  value={reason}
                  maxLength={500}
                  onInput={(e) => setReason(e.currentTarget.value)}
                />
              )}
            </Field>
          )}
          <div class="table-scroll">
            <table>
              <caption>The member's codes, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Code</th>
                  <th scope="col">Reward</th>
                  <th scope="col">Status</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr key={c.codeId}>
                    <td>
                      <code>{c.code ?? c.codeId}</code>
                    </td>
                    <td>{c.rewardId}</td>
                    <td>{c.status === 'used' && c.orderId ? `used for ${c.orderId}` : c.status}</td>
                    <td>{formatTime(c.expiresAt)}</td>
                    <td>
                      {c.status === 'issued' && access.admin && (
                        <button type="button" class="secondary" onClick={() => void cancel(c.codeId)}>
                          Cancel code {c.code ?? c.codeId}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager pager={pager} nextCursor={codes.data?.nextCursor} />
        </>
      )}
    </section>
  );
}

function Ledger({ memberId, version }: { memberId: string; version: number }) {
  const access = useAccess();
  const pager = usePager();
  const [exportError, setExportError] = useState<unknown>();
  const [exported, setExported] = useState<string>();
  // Who made each entry, by name where the partner still exists (ids otherwise: deleted partners, the system).
  const partners = useLoad(
    () =>
      (access.admin ? allPages<Partner>('/v1/admin/partners', {}, 5) : Promise.resolve([])).then(
        (items) => new Map(items.map((p) => [p.partnerId, p.name])),
        () => new Map<string, string>(),
      ),
    [access.admin],
  );
  const page = useLoad(
    () =>
      call<Page<Transaction>>('GET', `/v1/members/${encodeURIComponent(memberId)}/transactions`, {
        query: { limit: 20, cursor: pager.cursor },
      }).then((r) => r.body),
    [memberId, pager.cursor, version],
  );
  return (
    <section aria-labelledby="ledger-title">
      <h3 id="ledger-title">Ledger</h3>
      <button
        type="button"
        class="secondary"
        onClick={() => {
          setExportError(undefined);
          setExported('Exporting…');
          exportLedger(memberId, partners.data ?? new Map<string, string>(), (read) =>
            setExported(`Exporting… ${formatInt(read)} entries read.`),
          ).then(setExported, (e: unknown) => {
            setExported(undefined);
            setExportError(e);
          });
        }}
      >
        Export the ledger as CSV
      </button>
      {exported && (
        <p role="status" data-testid="ledger-export-status">
          {exported}
        </p>
      )}
      <ProblemAlert error={exportError ?? page.error} />
      <div class="table-scroll">
        <table class="ledger">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Type</th>
              <th scope="col" class="num">
                Points
              </th>
              <th scope="col" class="num">
                Cashback
              </th>
              <th scope="col" class="num">
                Points after
              </th>
              <th scope="col">Order / reward</th>
              <th scope="col">By</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {page.data?.items.map((t) => (
              <tr key={t.transactionId}>
                <td>{formatTime(t.createdAt)}</td>
                <td>
                  {t.type}
                  {t.pointsStatus === 'pending' ? ' (pending)' : ''}
                </td>
                <td class="num">{formatInt(t.points)}</td>
                <td class="num">
                  {t.cashback ? `${formatMinor(t.cashback.value, t.cashback.currency)} ${t.cashback.status ?? ''}` : ''}
                </td>
                <td class="num">{formatInt(t.balance.points)}</td>
                <td>{t.orderId ?? t.rewardId ?? ''}</td>
                <td title={t.partnerId}>{partners.data?.get(t.partnerId) ?? t.partnerId}</td>
                <td>
                  {t.breakdown && t.breakdown.length > 0 ? (
                    <details>
                      <summary>
                        {t.breakdown.length} {t.breakdown.length === 1 ? 'rule' : 'rules'}
                      </summary>
                      <ul>
                        {t.breakdown.map((b) => (
                          <li key={b.rule}>
                            <code>{b.rule}</code>: {formatInt(b.points)}
                            {b.lineIds && b.lineIds.length > 0 && <> — lines {b.lineIds.join(', ')}</>}
                            {b.gift && (
                              <>
                                {' '}
                                — gift of {b.gift.rewardId}
                                {'skipped' in b.gift ? ` skipped (${b.gift.skipped})` : `: code ${b.gift.codeId}`}
                              </>
                            )}
                          </li>
                        ))}
                      </ul>
                    </details>
                  ) : (
                    [t.reason, t.reference].filter(Boolean).join(' — ')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {page.data && page.data.items.length === 0 && <p>No entries.</p>}
      <Pager pager={pager} nextCursor={page.data?.nextCursor} />
    </section>
  );
}

/** `POST /v1/members/{id}/adjustments`: points and/or cashback (signed), with a reason. */
function Adjustment(props: { memberId: string; currency: string; onDone: () => void }) {
  const [points, setPoints] = useState('');
  const [cashback, setCashback] = useState('');
  const [reason, setReason] = useState('');
  const [reference, setReference] = useState('');
  const [error, setError] = useState<unknown>();
  const [local, setLocal] = useState<Map<string, string>>(new Map());
  const [done, setDone] = useState<string>();
  const fields = error instanceof ApiProblem ? error.fieldErrors() : new Map<string, string>();
  const errorOf = (path: string) => local.get(path) ?? fields.get(path);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    setDone(undefined);
    const problems = new Map<string, string>();
    const body: Record<string, unknown> = { reason };
    if (points.trim()) {
      const n = Number(points);
      if (!Number.isInteger(n) || n === 0) problems.set('points', 'a whole number other than 0');
      else body.points = n;
    }
    if (cashback.trim()) {
      const minor = parseMinor(cashback, props.currency);
      if (minor === undefined || minor === 0) problems.set('cashback.value', `an amount in ${props.currency}, not 0`);
      else body.cashback = { value: minor, currency: props.currency };
    }
    if (!points.trim() && !cashback.trim()) problems.set('points', 'points, cashback or both');
    if (reference.trim()) body.reference = reference.trim();
    setLocal(problems);
    if (problems.size > 0) return;
    try {
      const { body: entry } = await call<Transaction>(
        'POST',
        `/v1/members/${encodeURIComponent(props.memberId)}/adjustments`,
        { body },
      );
      setDone(`Adjusted: ${formatInt(entry.points)} points. Balance now ${formatInt(entry.balance.points)}.`);
      setPoints('');
      setCashback('');
      setReason('');
      setReference('');
      props.onDone();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section class="card" aria-labelledby="adjust-title">
      <h3 id="adjust-title">Adjust balance</h3>
      <form onSubmit={(e) => void submit(e)} class="grid-form">
        <Field id="adjust-points" label="Points (negative to debit)" error={errorOf('points')}>
          {(a) => (
            <input {...a} type="number" step="1" value={points} onInput={(e) => setPoints(e.currentTarget.value)} />
          )}
        </Field>
        <Field
          id="adjust-cashback"
          label={`Cashback in ${props.currency} (negative to debit)`}
          error={errorOf('cashback.value') ?? errorOf('cashback')}
        >
          {(a) => (
            <input {...a} inputMode="decimal" value={cashback} onInput={(e) => setCashback(e.currentTarget.value)} />
          )}
        </Field>
        <Field id="adjust-reason" label="Reason" error={errorOf('reason')}>
          {(a) => (
            <textarea
              {...a}
              required
              maxLength={500}
              rows={2}
              value={reason}
              onInput={(e) => setReason(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field id="adjust-reference" label="Reference (optional)" error={errorOf('reference')}>
          {(a) => (
            <input {...a} maxLength={128} value={reference} onInput={(e) => setReference(e.currentTarget.value)} />
          )}
        </Field>
        <div class="form-actions">
          <button type="submit">Post adjustment</button>
        </div>
      </form>
      {error !== undefined && fields.size === 0 && <ProblemAlert error={error} />}
      {done && <p role="status">{done}</p>}
    </section>
  );
}

/**
 * The member's ledger as CSV, newest first: each entry with its rules, reason and who made it.
 * Answers what to tell the user: the whole ledger, or where a cut file stops.
 */
async function exportLedger(memberId: string, partners: Map<string, string>, onProgress: (read: number) => void) {
  const read = await readLedgerForExport<Transaction>(
    (query) =>
      call<Page<Transaction>>('GET', `/v1/members/${encodeURIComponent(memberId)}/transactions`, { query }).then(
        (r) => r.body,
      ),
    { onProgress },
  );
  const { entries } = read;
  downloadCsv(
    `ledger-${memberId}.csv`,
    [
      'createdAt',
      'transactionId',
      'type',
      'points',
      'pointsStatus',
      'cashback',
      'cashbackStatus',
      'currency',
      'pointsAfter',
      'orderId',
      'rewardId',
      'by',
      'rules',
      'reason',
      'reference',
    ],
    entries.map((t) => [
      t.createdAt,
      t.transactionId,
      t.type,
      t.points,
      t.pointsStatus,
      t.cashback ? minorToMajor(t.cashback.value, t.cashback.currency) : undefined,
      t.cashback?.status,
      t.cashback?.currency,
      t.balance.points,
      t.orderId,
      t.rewardId,
      partners.get(t.partnerId) ?? t.partnerId,
      (t.breakdown ?? [])
        .map((b) => `${b.rule}: ${b.points}${b.lineIds?.length ? ` (lines ${b.lineIds.join(' ')})` : ''}`)
        .join('; '),
      t.reason,
      t.reference,
    ]),
  );
  return ledgerExportMessage(read);
}

/** Export (the member's right of access, as JSON) and erasure (admin keys; asked to confirm first). */
function MemberActions({ member, onChanged }: { member: Member; onChanged: () => void }) {
  const access = useAccess();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>();
  const exportJson = async () => {
    setError(undefined);
    try {
      const { body } = await call<unknown>('GET', `/v1/members/${encodeURIComponent(member.memberId)}/export`);
      download(`member-${member.memberId}.json`, JSON.stringify(body, null, 2), 'application/json');
    } catch (e) {
      setError(e);
    }
  };
  const erase = async () => {
    setError(undefined);
    try {
      await call('DELETE', `/v1/members/${encodeURIComponent(member.memberId)}`);
      setConfirming(false);
      onChanged();
      navigate('/members');
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div class="actions">
      <button type="button" class="secondary" onClick={() => void exportJson()}>
        Export everything stored (JSON)
      </button>
      {access.admin && !confirming && (
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Erase this member…
        </button>
      )}
      {confirming && (
        <div class="alert alert-error" role="alertdialog" aria-labelledby="erase-title">
          <p id="erase-title">
            <strong>Erase {member.name ?? member.memberId} for good?</strong> Their personal data is removed and cannot
            be brought back; the ledger amounts stay, unlinked from them.
          </p>
          <div class="actions">
            <button type="button" class="danger" onClick={() => void erase()}>
              Erase for good
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              Keep the member
            </button>
          </div>
        </div>
      )}
      <ProblemAlert error={error} />
    </div>
  );
}

/** `PATCH /v1/members/{id}` (a merge patch): only what changed is sent; an emptied field is removed (null). */
function Profile({ member, onSaved }: { member: Member; onSaved: () => void }) {
  const initial = {
    name: member.name ?? '',
    email: member.email ?? '',
    externalId: member.externalId ?? '',
    birthday: member.birthday ?? '',
  };
  const [fields, setFields] = useState(initial);
  const [consent, setConsent] = useState({ ...member.consent });
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const errors = error instanceof ApiProblem ? error.fieldErrors() : new Map<string, string>();

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    setDone(undefined);
    const patch: Record<string, unknown> = {};
    for (const name of Object.keys(fields) as (keyof typeof fields)[]) {
      const value = fields[name].trim();
      if (value !== initial[name]) patch[name] = value === '' ? null : value;
    }
    const consentPatch: Record<string, boolean> = {};
    if (consent.marketing !== member.consent.marketing) consentPatch.marketing = consent.marketing;
    if (consent.analytics !== member.consent.analytics) consentPatch.analytics = consent.analytics;
    if (Object.keys(consentPatch).length > 0) patch.consent = consentPatch;
    if (Object.keys(patch).length === 0) return setDone('Nothing changed.');
    try {
      await call('PATCH', `/v1/members/${encodeURIComponent(member.memberId)}`, { body: patch });
      setDone('Profile saved.');
      onSaved();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section class="card" aria-labelledby="profile-edit-title">
      <h3 id="profile-edit-title">Edit profile and consent</h3>
      <form class="grid-form" onSubmit={(e) => void submit(e)}>
        <ProfileFields
          prefix="profile"
          fields={fields}
          errors={errors}
          onInput={(name, value) => setFields((f) => ({ ...f, [name]: value }))}
          consent={consent}
          onConsent={setConsent}
        />
        <div class="form-actions">
          <button type="submit">Save profile</button>
        </div>
      </form>
      {error !== undefined && errors.size === 0 && <ProblemAlert error={error} />}
      {done && <p role="status">{done}</p>}
    </section>
  );
}
