import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, call } from '../api';
import { ProblemAlert, useLoad } from '../components';
import { formatTime } from '../format';
import type { JsonValue, Program } from '../types';

const READ_ONLY = new Set(['version', 'updatedAt']);
const fieldId = (path: string) => `program-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;

type Rules = { [key: string]: JsonValue };

/** Sets `value` at `path` (['tiers', 1, 'name']) in a copy of `root`. */
function setAt(root: JsonValue, path: (string | number)[], value: JsonValue): JsonValue {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[Number(head)] = setAt(copy[Number(head)] ?? null, rest, value);
    return copy;
  }
  const object = root !== null && typeof root === 'object' ? root : {};
  return { ...object, [String(head)]: setAt(object[String(head)] ?? null, rest, value) };
}

/**
 * The program rules as a form generated from their JSON: objects are fieldsets, arrays are
 * lists (add a copy of the last item, remove one), scalars are inputs. A 400's errors carry the
 * path of each field (`body.tiers.1.minQualifyingSpend.value`): each is shown at that input, or at
 * the nearest fieldset that exists, and all are listed on top with links to them.
 */
function JsonFields(props: {
  value: JsonValue;
  path: (string | number)[];
  errors: Map<string, string>;
  onChange: (path: (string | number)[], value: JsonValue) => void;
}) {
  const { value, path, errors } = props;
  const key = path.join('.');
  const label = String(path[path.length - 1] ?? 'program');
  const id = fieldId(key);
  const error = errors.get(key);
  const errorText = error && (
    <p class="field-error" id={`${id}-error`}>
      {error}
    </p>
  );
  const aria = error ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {};
  if (Array.isArray(value)) {
    return (
      <fieldset id={id} class={error ? 'field-invalid' : ''}>
        <legend>{label}</legend>
        {errorText}
        {value.map((item, index) => (
          <div class="array-item" key={index}>
            <JsonFields {...props} value={item} path={[...path, index]} />
            <button
              type="button"
              class="secondary"
              onClick={() =>
                props.onChange(
                  path,
                  value.filter((_, i) => i !== index),
                )
              }
            >
              Remove {label} {index + 1}
            </button>
          </div>
        ))}
        <button
          type="button"
          class="secondary"
          onClick={() => props.onChange(path, [...value, structuredClone(value[value.length - 1] ?? '')])}
        >
          Add to {label}
        </button>
      </fieldset>
    );
  }
  if (value !== null && typeof value === 'object') {
    return (
      <fieldset id={id} class={error ? 'field-invalid' : ''}>
        <legend>{label}</legend>
        {errorText}
        {Object.entries(value)
          .filter(([name]) => path.length > 0 || !READ_ONLY.has(name))
          .map(([name, child]) => (
            <JsonFields key={name} {...props} value={child} path={[...path, name]} />
          ))}
      </fieldset>
    );
  }
  if (typeof value === 'boolean') {
    return (
      <div class={`field field-check${error ? ' field-invalid' : ''}`}>
        <input
          type="checkbox"
          id={id}
          checked={value}
          {...aria}
          onChange={(e) => props.onChange(path, e.currentTarget.checked)}
        />
        <label for={id}>{label}</label>
        {errorText}
      </div>
    );
  }
  return (
    <div class={`field${error ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      <input
        id={id}
        data-path={key}
        type="text"
        inputMode={typeof value === 'number' ? 'decimal' : undefined}
        value={value === null ? '' : String(value)}
        placeholder={value === null ? 'null' : undefined}
        {...aria}
        onInput={(e) => {
          const text = e.currentTarget.value;
          // Numbers stay numbers while they parse; anything else is sent as typed and the server says why not.
          const next =
            typeof value === 'number' && text.trim() !== '' && !Number.isNaN(Number(text)) ? Number(text) : text;
          props.onChange(path, value === null && text === '' ? null : next);
        }}
      />
      {errorText}
    </div>
  );
}

/** The paths that have an input or fieldset, so an error can fall back to its nearest shown ancestor. */
function shownPaths(value: JsonValue, path: string[] = [], into = new Set<string>()): Set<string> {
  into.add(path.join('.'));
  if (value !== null && typeof value === 'object')
    for (const [name, child] of Object.entries(value)) shownPaths(child, [...path, name], into);
  return into;
}

function placeErrors(errors: Map<string, string>, rules: JsonValue): Map<string, string> {
  const shown = shownPaths(rules);
  const placed = new Map<string, string>();
  for (const [path, message] of errors) {
    let at = path.split('.');
    while (at.length > 0 && !shown.has(at.join('.'))) at = at.slice(0, -1);
    const key = at.join('.');
    const text = key === path ? message : `${path}: ${message}`;
    placed.set(key, placed.has(key) ? `${placed.get(key)}; ${text}` : text);
  }
  return placed;
}

export function ProgramPage() {
  const [loadCount, setLoadCount] = useState(0);
  const loaded = useLoad(async () => {
    const { body, headers } = await call<Program>('GET', '/v1/admin/program');
    return { program: body, etag: headers.get('ETag') ?? `"${body.version}"` };
  }, [loadCount]);
  const [rules, setRules] = useState<Rules>();
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [jsonText, setJsonText] = useState('');
  const [jsonError, setJsonError] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();

  useEffect(() => {
    if (!loaded.data) return;
    const editable: Rules = { ...loaded.data.program };
    for (const name of READ_ONLY) delete editable[name];
    setRules(editable);
    setJsonText(JSON.stringify(editable, null, 2));
  }, [loaded.data]);

  const fieldErrors = error instanceof ApiProblem ? error.fieldErrors() : new Map<string, string>();
  const placed = rules ? placeErrors(fieldErrors, rules) : fieldErrors;

  const save = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    setSaved(undefined);
    let body: Rules | undefined = rules;
    if (mode === 'json') {
      try {
        body = JSON.parse(jsonText) as Rules;
        setRules(body);
        setJsonError(undefined);
      } catch (e) {
        setJsonError(`Not valid JSON: ${(e as Error).message}`);
        return;
      }
    }
    if (!body || !loaded.data) return;
    try {
      const { body: program } = await call<Program>('PUT', '/v1/admin/program', {
        body,
        headers: { 'If-Match': loaded.data.etag },
      });
      setSaved(`Saved as version ${program.version}.`);
      setLoadCount((n) => n + 1);
    } catch (e) {
      setError(e);
    }
  };

  const current = loaded.data?.program;
  return (
    <section aria-labelledby="program-title">
      <h1 id="program-title">Program</h1>
      <ProblemAlert error={loaded.error} />
      {current && (
        <p class="muted">
          Version {current.version}, saved {formatTime(current.updatedAt)}.
        </p>
      )}
      {fieldErrors.size > 0 && (
        <div class="alert alert-error" role="alert" aria-labelledby="program-errors-title">
          <strong id="program-errors-title">The program was not saved: {fieldErrors.size} field(s) to fix</strong>
          <ul>
            {[...fieldErrors].map(([path, message]) => (
              <li key={path}>
                <a
                  href={`#/program`}
                  onClick={(e) => {
                    e.preventDefault();
                    document
                      .getElementById(fieldId([...placed.keys()].find((k) => path.startsWith(k)) ?? path))
                      ?.focus();
                  }}
                >
                  {path}
                </a>
                : {message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {error !== undefined && fieldErrors.size === 0 && (
        <ProblemAlert
          error={
            error instanceof ApiProblem && (error.status === 412 || error.status === 409)
              ? new Error('The program changed since you opened it. Reload to see the new version, then edit again.')
              : error
          }
        />
      )}
      {saved && <p role="status">{saved}</p>}
      <div role="group" aria-label="Editor" class="toggle">
        <button type="button" aria-pressed={mode === 'form'} onClick={() => setMode('form')}>
          Form
        </button>
        <button
          type="button"
          aria-pressed={mode === 'json'}
          onClick={() => {
            setJsonText(JSON.stringify(rules, null, 2));
            setMode('json');
          }}
        >
          JSON
        </button>
      </div>
      {rules && (
        <form onSubmit={(e) => void save(e)} class="program-form">
          {mode === 'form' ? (
            <JsonFields
              value={rules}
              path={[]}
              errors={placed}
              onChange={(path, value) => setRules(setAt(rules, path, value) as Rules)}
            />
          ) : (
            <div class={`field${jsonError ? ' field-invalid' : ''}`}>
              <label for="program-json">Rules as JSON</label>
              <textarea
                id="program-json"
                rows={24}
                spellcheck={false}
                value={jsonText}
                onInput={(e) => setJsonText(e.currentTarget.value)}
                {...(jsonError ? { 'aria-invalid': 'true', 'aria-describedby': 'program-json-error' } : {})}
              />
              {jsonError && (
                <p class="field-error" id="program-json-error">
                  {jsonError}
                </p>
              )}
            </div>
          )}
          <div class="form-actions">
            <button type="submit">Save program</button>
            <button type="button" class="secondary" onClick={() => setLoadCount((n) => n + 1)}>
              Discard changes
            </button>
          </div>
        </form>
      )}
      {current && <Versions latest={current.version} />}
    </section>
  );
}

/** `GET /v1/admin/program/versions/{version}`: the rules as they were. */
function Versions({ latest }: { latest: number }) {
  const [version, setVersion] = useState<number>();
  const shown = useLoad(
    () =>
      version === undefined
        ? Promise.resolve(undefined)
        : call<Program>('GET', `/v1/admin/program/versions/${version}`).then((r) => r.body),
    [version],
  );
  const versions = Array.from({ length: Math.min(latest, 10) }, (_, i) => latest - i);
  return (
    <section aria-labelledby="versions-title">
      <h2 id="versions-title">Version history</h2>
      <ul class="version-list">
        {versions.map((v) => (
          <li key={v}>
            <button type="button" class="secondary" aria-pressed={version === v} onClick={() => setVersion(v)}>
              Version {v}
            </button>
          </li>
        ))}
      </ul>
      <ProblemAlert error={shown.error} />
      {shown.data && <pre class="json">{JSON.stringify(shown.data, null, 2)}</pre>}
    </section>
  );
}
