import { useState } from 'preact/hooks';
import { can, useAccess } from '../access';
import { ApiProblem, call, type Page } from '../api';
import { Field, Pager, ProblemAlert, useLoad, usePager } from '../components';
import { downloadCsv } from '../csv';
import { formatInt, formatTime, isoDay } from '../format';
import type { Member, Program } from '../types';
import { navigate } from '../router';
import { MemberDetail } from './member-detail';

type LookupBy = 'memberId' | 'externalId' | 'email';

/** The members list asks for at least this many per page, following short pages (the API reads 31 days a request). */
const LIST_PAGE = 25;
/** Requests one shown page may take: a year of days without an enrolment, then the page is shown as it is. */
const LIST_REQUESTS_PER_PAGE = 12;
/** The export follows the list to its end, or this many members. */
const EXPORT_MAX = 10_000;

interface ListFilters {
  tier: string;
  segment: string;
  from: string;
  to: string;
}

const listQuery = (filters: ListFilters) => ({
  tier: filters.tier || undefined,
  from: filters.from ? `${filters.from}T00:00:00.000Z` : undefined,
  to: filters.to ? `${filters.to}T23:59:59.999Z` : undefined,
});

/**
 * A segment's members (`GET /v1/admin/segments/{id}/members`, ids and since when), each read
 * whole, kept when they hold the tier asked for. The segment's own order: the API promises none.
 */
async function readSegment(filters: ListFilters, cursor: string | undefined, want: number, maxRequests: number) {
  const items: Member[] = [];
  let next = cursor;
  for (let request = 0; request < maxRequests; request++) {
    const { body } = await call<Page<{ memberId: string }>>(
      'GET',
      `/v1/admin/segments/${encodeURIComponent(filters.segment)}/members`,
      { query: { limit: Math.min(100, want - items.length), cursor: next } },
    );
    const members = await Promise.all(
      body.items.map((m) =>
        call<Member>('GET', `/v1/members/${encodeURIComponent(m.memberId)}`).then(
          (r) => r.body,
          () => undefined, // erased since it was listed
        ),
      ),
    );
    items.push(...members.filter((m): m is Member => m !== undefined && (!filters.tier || m.tier.id === filters.tier)));
    next = body.nextCursor;
    if (!next || items.length >= want) break;
  }
  return { items, nextCursor: next };
}

/** Members from `GET /v1/admin/members`, following its cursor until `want` members or its end. */
async function readMembers(filters: ListFilters, cursor: string | undefined, want: number, maxRequests: number) {
  if (filters.segment) return readSegment(filters, cursor, want, maxRequests);
  const items: Member[] = [];
  let next = cursor;
  for (let request = 0; request < maxRequests; request++) {
    const { body } = await call<Page<Member>>('GET', '/v1/admin/members', {
      query: { ...listQuery(filters), limit: Math.min(100, want - items.length), cursor: next },
    });
    items.push(...body.items);
    next = body.nextCursor;
    if (!next || items.length >= want) break;
  }
  return { items, nextCursor: next };
}

export const tierNames = (program: Program | undefined): Map<string, string> =>
  new Map(
    (Array.isArray(program?.tiers) ? program.tiers : []).flatMap((tier) =>
      tier && typeof tier === 'object' && !Array.isArray(tier) && typeof tier.id === 'string'
        ? [[tier.id, typeof tier.name === 'string' ? tier.name : tier.id] as const]
        : [],
    ),
  );

/** Members: the list (admin keys), a lookup by id, external id or e-mail, enrolment, and the member's page. */
export function Members({ memberId }: { memberId: string | undefined }) {
  const access = useAccess();
  return (
    <section aria-labelledby="members-title">
      <h1 id="members-title">Members</h1>
      <Lookup />
      {memberId ? (
        <MemberDetail key={memberId} memberId={memberId} />
      ) : (
        <>
          {access.admin && <MemberList />}
          {can(access, 'members:write') && <Enrol />}
        </>
      )}
    </section>
  );
}

function Lookup() {
  const [by, setBy] = useState<LookupBy>('memberId');
  const [value, setValue] = useState('');
  const [matches, setMatches] = useState<Member[] | undefined>();
  const [error, setError] = useState<unknown>();

  const lookUp = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    setMatches(undefined);
    const text = value.trim();
    if (!text) return;
    if (by === 'memberId') return navigate(`/members/${encodeURIComponent(text)}`);
    try {
      const { body } = await call<Page<Member>>('GET', '/v1/members', { query: { [by]: text } });
      if (body.items.length === 1 && body.items[0]) navigate(`/members/${encodeURIComponent(body.items[0].memberId)}`);
      else setMatches(body.items);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <form class="inline-form" onSubmit={(e) => void lookUp(e)} aria-label="Look up a member">
        <Field id="lookup-by" label="Look up by">
          {(a) => (
            <select {...a} value={by} onChange={(e) => setBy(e.currentTarget.value as LookupBy)}>
              <option value="memberId">Member id</option>
              <option value="externalId">External id</option>
              <option value="email">E-mail</option>
            </select>
          )}
        </Field>
        <Field id="lookup-value" label="Value">
          {(a) =>
            by === 'email' ? (
              <input {...a} type="email" required value={value} onInput={(e) => setValue(e.currentTarget.value)} />
            ) : (
              <input {...a} type="text" required value={value} onInput={(e) => setValue(e.currentTarget.value)} />
            )
          }
        </Field>
        <button type="submit">Look up</button>
      </form>
      <ProblemAlert error={error} />
      {matches && matches.length === 0 && <p role="status">No member found.</p>}
      {matches && matches.length > 1 && (
        <ul aria-label="Matching members" class="wrap">
          {matches.map((m) => (
            <li key={m.memberId}>
              <a href={`#/members/${encodeURIComponent(m.memberId)}`}>
                {m.memberId} {m.name ?? ''} {m.email ?? ''}
              </a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

const none: ListFilters = { tier: '', segment: '', from: '', to: '' };

/** The members list, newest enrolment first, by the tier held now and the enrolment date; exported as CSV. */
function MemberList() {
  const pager = usePager();
  const [draft, setDraft] = useState<ListFilters>(none);
  const [filters, setFilters] = useState<ListFilters>(none);
  const [exporting, setExporting] = useState<string>();
  const [exportError, setExportError] = useState<unknown>();
  const program = useLoad(() => call<Program>('GET', '/v1/admin/program').then((r) => r.body), []);
  const names = tierNames(program.data);
  const segments = useLoad(
    () =>
      call<Page<{ segmentId: string; name: string; size: number }>>('GET', '/v1/admin/segments', {
        query: { limit: 100 },
      }).then((r) => r.body.items),
    [],
  );
  const list = useLoad(
    () => readMembers(filters, pager.cursor, LIST_PAGE, LIST_REQUESTS_PER_PAGE),
    [filters, pager.cursor],
  );
  const set = (name: keyof ListFilters) => (e: { currentTarget: { value: string } }) =>
    setDraft((d) => ({ ...d, [name]: e.currentTarget.value }));

  const exportCsv = async () => {
    setExportError(undefined);
    setExporting('Exporting…');
    try {
      const { items, nextCursor } = await readMembers(filters, undefined, EXPORT_MAX, Infinity);
      downloadCsv(
        `members-${isoDay(new Date())}.csv`,
        [
          'memberId',
          'name',
          'email',
          'externalId',
          'tier',
          'pointsBalance',
          'pointsPending',
          'cashbackAvailable',
          'currency',
          'enrolledAt',
          'marketingConsent',
          'analyticsConsent',
        ],
        items.map((m) => [
          m.memberId,
          m.name,
          m.email,
          m.externalId,
          m.tier.name,
          m.points.balance,
          m.points.pending ?? 0,
          m.cashback.available,
          m.cashback.currency,
          m.createdAt,
          m.consent.marketing,
          m.consent.analytics,
        ]),
      );
      setExporting(
        nextCursor
          ? `Exported the newest ${formatInt(items.length)} members; narrow the dates for the rest.`
          : `Exported ${formatInt(items.length)} members.`,
      );
    } catch (e) {
      setExporting(undefined);
      setExportError(e);
    }
  };

  return (
    <section aria-labelledby="member-list-title">
      <h2 id="member-list-title">All members, newest first</h2>
      <ProblemAlert error={segments.error} />
      <form
        class="grid-form card"
        aria-label="Filter the members"
        onSubmit={(e) => {
          e.preventDefault();
          pager.reset();
          setFilters(draft);
        }}
      >
        <Field id="members-tier" label="Tier">
          {(a) => (
            <select {...a} value={draft.tier} onChange={set('tier')}>
              <option value="">Any tier</option>
              {[...names].map(([id, name]) => (
                <option key={id} value={id}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="members-segment" label="Segment" hint="Its members in its own order; dates do not apply">
          {(a) => (
            <select {...a} value={draft.segment} onChange={set('segment')}>
              <option value="">Any segment</option>
              {(segments.data ?? []).map((segment) => (
                <option key={segment.segmentId} value={segment.segmentId}>
                  {segment.name} ({formatInt(segment.size)})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="members-from" label="Enrolled from" hint="UTC date; empty: 400 days back">
          {(a) => <input {...a} type="date" value={draft.from} onInput={set('from')} />}
        </Field>
        <Field id="members-to" label="Enrolled until" hint="UTC date; empty: today">
          {(a) => <input {...a} type="date" value={draft.to} onInput={set('to')} />}
        </Field>
        <div class="form-actions">
          <button type="submit">Show members</button>
          <button type="button" class="secondary" onClick={() => void exportCsv()}>
            Export CSV
          </button>
        </div>
      </form>
      {exporting && <p role="status">{exporting}</p>}
      <ProblemAlert error={exportError ?? list.error} />
      <div class="table-scroll">
        <table class="members">
          <caption class="visually-hidden">Members, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">E-mail</th>
              <th scope="col">Tier</th>
              <th scope="col" class="num">
                Points
              </th>
              <th scope="col">Enrolled</th>
            </tr>
          </thead>
          <tbody>
            {(list.data?.items ?? []).map((m) => (
              <tr key={m.memberId}>
                <td>
                  <a href={`#/members/${encodeURIComponent(m.memberId)}`}>{m.name ?? m.memberId}</a>
                  {m.name && (
                    <>
                      <br />
                      <code class="muted">{m.memberId}</code>
                    </>
                  )}
                </td>
                <td>{m.email ?? '—'}</td>
                <td>{m.tier.name}</td>
                <td class="num">{formatInt(m.points.balance)}</td>
                <td>{formatTime(m.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.data && list.data.items.length === 0 && <p>No member matches these filters.</p>}
      <Pager pager={pager} nextCursor={list.data?.nextCursor} />
    </section>
  );
}

/** `POST /v1/members`: enrols a member (the sign-up bonus applies), then opens them. */
function Enrol() {
  const [fields, setFields] = useState({ name: '', email: '', externalId: '', birthday: '' });
  const [consent, setConsent] = useState({ marketing: false, analytics: false });
  const [error, setError] = useState<unknown>();
  const errors = error instanceof ApiProblem ? error.fieldErrors() : new Map<string, string>();

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    const body: Record<string, unknown> = { consent };
    for (const [name, value] of Object.entries(fields)) if (value.trim()) body[name] = value.trim();
    try {
      const { body: member } = await call<Member>('POST', '/v1/members', { body });
      navigate(`/members/${encodeURIComponent(member.memberId)}`);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section class="card" aria-labelledby="enrol-title">
      <h2 id="enrol-title">Enrol a member</h2>
      <form class="grid-form" onSubmit={(e) => void submit(e)}>
        <ProfileFields
          prefix="enrol"
          optional
          fields={fields}
          errors={errors}
          onInput={(name, value) => setFields((f) => ({ ...f, [name]: value }))}
          consent={consent}
          onConsent={setConsent}
        />
        <div class="form-actions">
          <button type="submit">Enrol member</button>
        </div>
      </form>
      {error !== undefined && errors.size === 0 && <ProblemAlert error={error} />}
    </section>
  );
}

export interface ProfileText {
  name: string;
  email: string;
  externalId: string;
  birthday: string;
}

/** A member's profile and consent as inputs: enrolment's form and the member's edit form. */
export function ProfileFields(props: {
  prefix: string;
  optional?: boolean;
  fields: ProfileText;
  errors: Map<string, string>;
  onInput: (name: keyof ProfileText, value: string) => void;
  consent: { marketing: boolean; analytics: boolean };
  onConsent: (consent: { marketing: boolean; analytics: boolean }) => void;
}) {
  const { prefix, fields, errors } = props;
  const label = (text: string) => (props.optional ? `${text} (optional)` : text);
  const input = (name: keyof ProfileText) => (e: { currentTarget: { value: string } }) =>
    props.onInput(name, e.currentTarget.value);
  return (
    <>
      <Field id={`${prefix}-name`} label={label('Name')} error={errors.get('name')}>
        {(a) => <input {...a} maxLength={200} value={fields.name} onInput={input('name')} />}
      </Field>
      <Field id={`${prefix}-email`} label={label('E-mail')} error={errors.get('email')}>
        {(a) => <input {...a} type="email" value={fields.email} onInput={input('email')} />}
      </Field>
      <Field
        id={`${prefix}-external-id`}
        label={label('External id')}
        hint="Your own id for them, unique"
        error={errors.get('externalId')}
      >
        {(a) => <input {...a} value={fields.externalId} onInput={input('externalId')} />}
      </Field>
      <Field id={`${prefix}-birthday`} label={label('Birthday')} error={errors.get('birthday')}>
        {(a) => <input {...a} type="date" value={fields.birthday} onInput={input('birthday')} />}
      </Field>
      <ConsentBoxes prefix={prefix} consent={props.consent} onChange={props.onConsent} />
    </>
  );
}

export function ConsentBoxes(props: {
  prefix: string;
  consent: { marketing: boolean; analytics: boolean };
  onChange: (consent: { marketing: boolean; analytics: boolean }) => void;
}) {
  return (
    <fieldset>
      <legend>Consent</legend>
      {(['marketing', 'analytics'] as const).map((kind) => (
        <div class="field field-check" key={kind}>
          <input
            type="checkbox"
            id={`${props.prefix}-consent-${kind}`}
            checked={props.consent[kind]}
            onChange={(e) => props.onChange({ ...props.consent, [kind]: e.currentTarget.checked })}
          />
          <label for={`${props.prefix}-consent-${kind}`}>
            {kind === 'marketing' ? 'Marketing messages' : 'Analytics of their purchases'}
          </label>
        </div>
      ))}
    </fieldset>
  );
}
