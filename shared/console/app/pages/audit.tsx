import { useState } from 'preact/hooks';
import { AUDIT_KINDS } from '@shared/domain/audit';
import { call, type Page } from '../api';
import { Field, Pager, ProblemAlert, useLoad, usePager } from '../components';
import { formatTime } from '../format';
import type { AuditRecord, Partner } from '../types';

interface Filters {
  actor: string;
  kind: string;
  from: string;
  to: string;
}

const none: Filters = { actor: '', kind: '', from: '', to: '' };

/** A local date and time of an <input type="datetime-local"> as the API's UTC time. */
const asUtc = (local: string) => (local ? new Date(local).toISOString() : undefined);

/** Who changed what: the audit log, newest first, filtered by who, what and when. */
export function Audit() {
  const pager = usePager();
  const [draft, setDraft] = useState<Filters>(none);
  const [filters, setFilters] = useState<Filters>(none);
  const partners = useLoad(
    () => call<Page<Partner>>('GET', '/v1/admin/partners', { query: { limit: 100 } }).then((r) => r.body.items),
    [],
  );
  const log = useLoad(
    () =>
      call<Page<AuditRecord>>('GET', '/v1/admin/audit', {
        query: {
          limit: 25,
          cursor: pager.cursor,
          actor: filters.actor || undefined,
          kind: filters.kind || undefined,
          from: asUtc(filters.from),
          to: asUtc(filters.to),
        },
      }).then((r) => r.body),
    [pager.cursor, filters],
  );
  const set = (name: keyof Filters) => (e: { currentTarget: { value: string } }) =>
    setDraft((d) => ({ ...d, [name]: e.currentTarget.value }));
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit</h1>
      <p class="muted">Every change an admin or a partner key made, newest first. Records are kept 400 days.</p>
      <form
        class="grid-form card"
        aria-label="Filter the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          pager.reset();
          setFilters(draft);
        }}
      >
        <Field id="audit-actor" label="Who">
          {(a) => (
            <select {...a} value={draft.actor} onChange={set('actor')}>
              <option value="">Anyone</option>
              {(partners.data ?? []).map((p) => (
                <option key={p.partnerId} value={p.partnerId}>
                  {p.name} ({p.partnerId})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="audit-kind" label="What">
          {(a) => (
            <select {...a} value={draft.kind} onChange={set('kind')}>
              <option value="">Any change</option>
              {AUDIT_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {kind}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="audit-from" label="From" hint="Your local time">
          {(a) => <input {...a} type="datetime-local" value={draft.from} onInput={set('from')} />}
        </Field>
        <Field id="audit-to" label="To" hint="Your local time">
          {(a) => <input {...a} type="datetime-local" value={draft.to} onInput={set('to')} />}
        </Field>
        <div class="form-actions">
          <button type="submit">Show changes</button>
        </div>
      </form>
      <ProblemAlert error={log.error} />
      <div class="table-scroll">
        <table>
          <caption class="visually-hidden">Changes, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Target</th>
              <th scope="col">Summary</th>
            </tr>
          </thead>
          <tbody>
            {(log.data?.items ?? []).map((record, index) => (
              <tr key={`${record.at}-${index}`}>
                <td>{formatTime(record.at)}</td>
                <td>
                  {record.actor.name} <code>{record.actor.partnerId}</code>
                </td>
                <td>
                  <code>{record.kind}</code>
                </td>
                <td>
                  <code>{record.target}</code>
                </td>
                <td>{record.summary}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {log.data && log.data.items.length === 0 && <p>No change matches these filters.</p>}
      <Pager pager={pager} nextCursor={log.data?.nextCursor} />
    </section>
  );
}
