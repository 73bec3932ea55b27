import { useEffect, useState } from 'preact/hooks';
import { call } from '../api';
import { Field, ProblemAlert, useLoad } from '../components';
import { formatMoney, formatTime } from '../format';
import { basisPointsToPercent, diffPrograms, type Rules } from '../program-form';
import type { JsonValue, Program } from '../types';

/** How many versions the pickers offer, newest first. */
const SHOWN_VERSIONS = 50;

/** A value of the diff as a person reads it: money with its currency, basis points as a percentage. */
function shown(path: string, value: JsonValue | undefined): string {
  if (value === undefined) return '—';
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof value.value === 'number')
    return formatMoney({ value: value.value, currency: typeof value.currency === 'string' ? value.currency : '' });
  if (typeof value === 'number' && /(cashbackRate|discountRate)$/.test(path)) return `${basisPointsToPercent(value)} %`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const fetchVersion = (version: number) =>
  call<Program>('GET', `/v1/admin/program/versions/${version}`).then((r) => r.body);

/**
 * The program's versions (`GET /v1/admin/program/versions/{version}`): what changed between two of
 * them, field by field, and "restore" — the older rules saved again as a new version (with If-Match,
 * by the page), so the history itself is never rewritten.
 */
export function ProgramVersions(props: {
  latest: number;
  onRestore: (rules: Rules, version: number) => Promise<void>;
}) {
  const { latest } = props;
  const [older, setOlder] = useState(Math.max(1, latest - 1));
  const [newer, setNewer] = useState(latest);
  const [restoring, setRestoring] = useState(false);
  // A save moves the latest version: compare the one before with it again.
  useEffect(() => {
    setOlder(Math.max(1, latest - 1));
    setNewer(latest);
  }, [latest]);
  const pair = useLoad(() => Promise.all([fetchVersion(older), fetchVersion(newer)]), [older, newer]);
  const versions = Array.from({ length: Math.min(latest, SHOWN_VERSIONS) }, (_, i) => latest - i);
  const [a, b] = pair.data ?? [];
  const changes = a && b ? diffPrograms(a, b) : [];
  const picker = (id: string, label: string, value: number, set: (v: number) => void) => (
    <Field id={id} label={label}>
      {(attributes) => (
        <select {...attributes} value={String(value)} onChange={(e) => set(Number(e.currentTarget.value))}>
          {versions.map((v) => (
            <option key={v} value={String(v)}>
              Version {v}
              {v === latest ? ' (current)' : ''}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
  return (
    <section aria-labelledby="versions-title">
      <h2 id="versions-title">Version history</h2>
      <p class="hint">Every save is a new version. Compare two, and restore an older one as the next version.</p>
      <div class="inline-form">
        {picker('version-older', 'Compare version', older, setOlder)}
        {picker('version-newer', 'with version', newer, setNewer)}
      </div>
      <ProblemAlert error={pair.error} />
      {a && b && (
        <>
          <p class="muted">
            Version {a.version} saved {formatTime(a.updatedAt)}; version {b.version} saved {formatTime(b.updatedAt)}.
          </p>
          {changes.length === 0 ? (
            <p>These two versions have the same rules.</p>
          ) : (
            <div class="table-scroll">
              <table class="diff">
                <caption>
                  {changes.length} {changes.length === 1 ? 'field differs' : 'fields differ'}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Field</th>
                    <th scope="col">Version {a.version}</th>
                    <th scope="col">Version {b.version}</th>
                  </tr>
                </thead>
                <tbody>
                  {changes.map((change) => (
                    <tr key={change.path}>
                      <th scope="row">
                        <code>{change.path}</code>
                      </th>
                      <td class="diff-before">{shown(change.path, change.before)}</td>
                      <td class="diff-after">{shown(change.path, change.after)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {a.version !== latest && (
            <button
              type="button"
              disabled={restoring}
              onClick={() => {
                const { version: _version, updatedAt: _updatedAt, ...rules } = a;
                setRestoring(true);
                void props.onRestore(rules, a.version).finally(() => setRestoring(false));
              }}
            >
              Restore version {a.version}
            </button>
          )}
        </>
      )}
    </section>
  );
}
