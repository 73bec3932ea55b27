import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiProblem } from './api';

/** A labelled control whose error, if any, is announced with it (aria-describedby). */
export function Field(props: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string;
  children: (attributes: Record<string, string | boolean>) => ComponentChildren;
}) {
  const described = [props.hint ? `${props.id}-hint` : '', props.error ? `${props.id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class={`field${props.error ? ' field-invalid' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.children({
        id: props.id,
        ...(described ? { 'aria-describedby': described } : {}),
        ...(props.error ? { 'aria-invalid': 'true' } : {}),
      })}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** An error from the API (or any other) as an alert: title, detail, and the field errors listed. */
export function ProblemAlert({ error }: { error: unknown }) {
  if (!error) return null;
  if (error instanceof ApiProblem) {
    const { problem } = error;
    return (
      <div class="alert alert-error" role="alert">
        <strong>
          {problem.title}
          {problem.status ? ` (${problem.status})` : ''}
        </strong>
        {problem.detail && <p>{problem.detail}</p>}
        {problem.errors && problem.errors.length > 0 && (
          <ul>
            {problem.errors.map((e) => (
              <li key={e.path}>
                <code>{e.path}</code>: {e.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <div class="alert alert-error" role="alert">
      {error instanceof Error ? error.message : 'Something went wrong.'}
    </div>
  );
}

/** A secret the API shows once (a partner key, a webhook secret): shown until dismissed, never stored. */
export function SecretOnce(props: { label: string; secret: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="alert alert-secret" role="status">
      <p>
        <strong>{props.label}</strong> — copy it now: it is shown only this once.
      </p>
      <div class="secret-row">
        <input
          type="text"
          readOnly
          value={props.secret}
          aria-label={props.label}
          data-testid="secret"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(props.secret).then(() => setCopied(true));
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" class="secondary" onClick={props.onDismiss}>
          Done
        </button>
      </div>
    </div>
  );
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change; `reload` runs it again. Stale answers are dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => current && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      current = false;
    };
    // The caller names what the load depends on (deps), as with useEffect.
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

/** Cursor paging: a stack of the cursors of the pages before, so Previous works without the API going back. */
export function usePager() {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  return {
    cursor,
    page: cursors.length,
    next: (nextCursor: string) => setCursors((c) => [...c, nextCursor]),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
    reset: () => setCursors([undefined]),
  };
}

/** The pages of a list: back through the cursors seen, on to the list's `nextCursor` (none: the last page). */
export function Pager(props: { pager: ReturnType<typeof usePager>; nextCursor: string | undefined }) {
  const { pager, nextCursor } = props;
  return (
    <div class="pager" role="group" aria-label="Pages">
      <button type="button" class="secondary" disabled={pager.page <= 1} onClick={pager.previous}>
        Previous page
      </button>
      <span>Page {pager.page}</span>
      <button
        type="button"
        class="secondary"
        disabled={!nextCursor}
        onClick={() => nextCursor && pager.next(nextCursor)}
      >
        Next page
      </button>
    </div>
  );
}
