import { useEffect, useState } from 'preact/hooks';
import { call, type Page } from '../api';
import { Field, Pager, ProblemAlert, useLoad, usePager } from '../components';
import { formatInt, formatTime } from '../format';
import type { ImportJob } from '../types';

/** NDJSON bodies up to this size go in the request; larger files go to the upload URL the API hands out. */
const INLINE_LIMIT_BYTES = 5 * 1024 * 1024;

export function Imports() {
  const [file, setFile] = useState<File>();
  const [pasted, setPasted] = useState('');
  const [missing, setMissing] = useState(false);
  const [importId, setImportId] = useState('');
  const [watching, setWatching] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const start = async (event: Event) => {
    event.preventDefault();
    const text = pasted.trim();
    setMissing(!file && !text);
    if (!file && !text) return;
    setError(undefined);
    setBusy(true);
    try {
      if (!file) {
        const { body } = await call<ImportJob>('POST', '/v1/admin/imports', {
          raw: { text: `${text}\n`, contentType: 'application/x-ndjson' },
        });
        setWatching(body.importId);
      } else if (file.size <= INLINE_LIMIT_BYTES) {
        const { body } = await call<ImportJob>('POST', '/v1/admin/imports', {
          raw: { text: await file.text(), contentType: 'application/x-ndjson' },
        });
        setWatching(body.importId);
      } else {
        const { body } = await call<ImportJob & { upload?: { url: string; headers: Record<string, string> } }>(
          'POST',
          '/v1/admin/imports',
          { body: { upload: true, size: file.size } },
        );
        if (!body.upload) throw new Error('The API gave no upload URL.');
        // The browser sets Content-Length itself (the file's size, as declared); If-None-Match is ours to send.
        const { 'Content-Length': _length, ...headers } = body.upload.headers;
        const put = await fetch(body.upload.url, { method: 'PUT', body: file, headers });
        if (!put.ok) throw new Error(`The upload failed (${put.status}).`);
        setWatching(body.importId);
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="imports-title">
      <h1 id="imports-title">Imports</h1>
      <section class="card" aria-labelledby="new-import-title">
        <h2 id="new-import-title">Import members and purchases</h2>
        <form class="grid-form" onSubmit={(e) => void start(e)}>
          <Field
            id="import-file"
            label="NDJSON file"
            hint='One JSON object per line: {"kind":"member",…} or {"kind":"purchase",…}'
          >
            {(a) => (
              <input
                {...a}
                type="file"
                accept=".ndjson,.jsonl,application/x-ndjson"
                onChange={(e) => setFile(e.currentTarget.files?.[0])}
              />
            )}
          </Field>
          <Field
            id="import-lines"
            label="Or paste NDJSON lines"
            hint="Used when no file is chosen."
            error={missing ? 'Choose a file or paste at least one line.' : undefined}
          >
            {(a) => (
              <textarea
                {...a}
                rows={6}
                spellcheck={false}
                class="mono"
                placeholder='{"kind":"member","externalId":"c-1","consent":{"marketing":false,"analytics":true}}'
                value={pasted}
                onInput={(e) => setPasted(e.currentTarget.value)}
              />
            )}
          </Field>
          <div class="form-actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Starting…' : 'Start import'}
            </button>
          </div>
        </form>
        <ProblemAlert error={error} />
      </section>
      <form
        class="inline-form"
        aria-label="Open an import"
        onSubmit={(e) => {
          e.preventDefault();
          if (importId.trim()) setWatching(importId.trim());
        }}
      >
        <Field id="import-id" label="Import id">
          {(a) => <input {...a} value={importId} onInput={(e) => setImportId(e.currentTarget.value)} />}
        </Field>
        <button type="submit" class="secondary">
          Show
        </button>
      </form>
      {watching && <ImportStatus key={watching} importId={watching} />}
      <ImportList watching={watching} onOpen={setWatching} />
    </section>
  );
}

/** Every import, newest first: status, counts and, for one that stopped, why and whether sending it again is safe. */
function ImportList({ watching, onOpen }: { watching: string | undefined; onOpen: (importId: string) => void }) {
  const pager = usePager();
  const list = useLoad(
    () =>
      call<Page<ImportJob>>('GET', '/v1/admin/imports', { query: { limit: 25, cursor: pager.cursor } }).then(
        (r) => r.body,
      ),
    [pager.cursor, watching],
  );
  return (
    <section aria-labelledby="import-list-title">
      <h2 id="import-list-title">All imports</h2>
      <ProblemAlert error={list.error} />
      <div class="table-scroll">
        <table class="import-list">
          <caption>Newest first</caption>
          <thead>
            <tr>
              <th scope="col">Import</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col" class="num">
                Lines
              </th>
              <th scope="col" class="num">
                Applied
              </th>
              <th scope="col" class="num">
                Refused
              </th>
              <th scope="col">Why it stopped</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.items.map((job) => (
              <tr key={job.importId}>
                <td>
                  <button
                    type="button"
                    class="link"
                    aria-label={`Show import ${job.importId}`}
                    onClick={() => onOpen(job.importId)}
                  >
                    <code>{job.importId}</code>
                  </button>
                </td>
                <td>
                  <span class={`badge badge-${job.status}`}>{job.status}</span>
                </td>
                <td>{formatTime(job.startedAt)}</td>
                <td class="num">{formatInt(job.lines ?? 0)}</td>
                <td class="num">{formatInt(job.succeeded ?? 0)}</td>
                <td class="num">{formatInt(job.failed ?? 0)}</td>
                <td>{job.stopReason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.data?.items.length === 0 && <p>No import yet.</p>}
      <Pager pager={pager} nextCursor={list.data?.nextCursor} />
    </section>
  );
}

function ImportStatus({ importId }: { importId: string }) {
  const path = `/v1/admin/imports/${encodeURIComponent(importId)}`;
  const [tick, setTick] = useState(0);
  const job = useLoad(() => call<ImportJob>('GET', path).then((r) => r.body), [path, tick]);
  const running = job.data?.status === 'waiting' || job.data?.status === 'running';
  // Poll while it runs; stop once it is done or failed.
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => setTick((t) => t + 1), 2000);
    return () => clearTimeout(timer);
  }, [running, tick]);
  const j = job.data;
  return (
    <section class="card" aria-labelledby="import-status-title" aria-live="polite">
      <h2 id="import-status-title">
        Import <code>{importId}</code>
      </h2>
      <ProblemAlert error={job.error} />
      {j && (
        <>
          <p>
            <span class={`badge badge-${j.status}`}>{j.status}</span> {formatInt(j.processed ?? 0)} of{' '}
            {formatInt(j.lines ?? 0)} lines: {formatInt(j.succeeded ?? 0)} applied, {formatInt(j.failed ?? 0)} refused.
          </p>
          {j.lines ? <progress max={j.lines} value={j.processed ?? 0} aria-label="Lines processed" /> : null}
          <p class="muted">
            Started {formatTime(j.startedAt)}; finished {formatTime(j.finishedAt)}.
          </p>
          {j.stopReason && (
            <p class="alert alert-error" data-testid="stop-reason">
              {j.stopReason}
            </p>
          )}
          {(j.failed ?? 0) > 0 && <ImportErrors path={`${path}/errors`} />}
        </>
      )}
    </section>
  );
}

/** A refused line: its number and the problem a request with that line would get, each field at fault listed. */
interface LineError {
  line: number;
  problem: { title: string; detail?: string; errors?: { path: string; message: string }[] };
}

function ImportErrors({ path }: { path: string }) {
  const pager = usePager();
  const page = useLoad(
    () =>
      call<Page<LineError>>('GET', path, {
        query: { limit: 50, cursor: pager.cursor },
      }).then((r) => r.body),
    [path, pager.cursor],
  );
  return (
    <>
      <h3>Refused lines</h3>
      <ProblemAlert error={page.error} />
      <table>
        <thead>
          <tr>
            <th scope="col" class="num">
              Line
            </th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          {page.data?.items.map((e) => (
            <tr key={e.line}>
              <td class="num">{e.line}</td>
              <td>
                {e.problem.title}
                {e.problem.detail ? `: ${e.problem.detail}` : ''}
                {e.problem.errors && e.problem.errors.length > 0 && (
                  <ul class="field-errors">
                    {e.problem.errors.map((fieldError) => (
                      <li key={fieldError.path}>
                        <code>{fieldError.path}</code>: {fieldError.message}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager pager={pager} nextCursor={page.data?.nextCursor} />
    </>
  );
}
