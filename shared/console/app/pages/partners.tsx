import { useState } from 'preact/hooks';
import { ApiProblem, call, type Page } from '../api';
import { Field, Pager, ProblemAlert, SecretOnce, useLoad, usePager } from '../components';
import { formatTime } from '../format';
import { PARTNER_SCOPES, type Partner } from '../types';

export function Partners() {
  const pager = usePager();
  const [version, setVersion] = useState(0);
  const [secret, setSecret] = useState<{ label: string; key: string }>();
  // Partners created in this tab, shown even before (or without) the list route answering them.
  const [created, setCreated] = useState<Partner[]>([]);
  const [editing, setEditing] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const list = useLoad(
    () =>
      call<Page<Partner>>('GET', '/v1/admin/partners', { query: { limit: 25, cursor: pager.cursor } }).then(
        (r) => r.body,
      ),
    [pager.cursor, version],
  );
  const changed = () => setVersion((v) => v + 1);
  const listed = list.data?.items ?? [];
  const rows = [...created.filter((c) => !listed.some((p) => p.partnerId === c.partnerId)), ...listed];
  const edited = rows.find((p) => p.partnerId === editing);
  return (
    <section aria-labelledby="partners-title">
      <h1 id="partners-title">Partners</h1>
      {secret && <SecretOnce label={secret.label} secret={secret.key} onDismiss={() => setSecret(undefined)} />}
      <CreatePartner
        onCreated={(p) => {
          if (p.apiKey) setSecret({ label: `API key of ${p.name} (${p.partnerId})`, key: p.apiKey });
          setCreated((c) => [{ ...p, apiKey: undefined }, ...c]);
          changed();
        }}
      />
      <h2>Partner keys</h2>
      <ProblemAlert error={list.error} />
      {notice && <p role="status">{notice}</p>}
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Partner</th>
              <th scope="col">Scopes</th>
              <th scope="col">Rate limit</th>
              <th scope="col">Created</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr key={p.partnerId}>
                <td>
                  {p.name} <code>{p.partnerId}</code>
                </td>
                <td>{p.role === 'admin' ? 'admin (every route)' : p.scopes.join(', ')}</td>
                <td>{p.rateLimit ? `${p.rateLimit.perSecond}/s, burst ${p.rateLimit.burst}` : 'default'}</td>
                <td>{formatTime(p.createdAt)}</td>
                <td>
                  <button
                    type="button"
                    class="secondary"
                    aria-expanded={editing === p.partnerId}
                    onClick={() => setEditing(editing === p.partnerId ? undefined : p.partnerId)}
                  >
                    Edit {p.name}
                  </button>
                  <PartnerActions
                    partner={p}
                    onRotated={(key) => setSecret({ label: `New API key of ${p.name} (${p.partnerId})`, key })}
                    onDeleted={() => {
                      setCreated((c) => c.filter((x) => x.partnerId !== p.partnerId));
                      changed();
                    }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager pager={pager} nextCursor={list.data?.nextCursor} />
      {edited && (
        <EditPartner
          key={edited.partnerId}
          partner={edited}
          onSaved={(saved) => {
            setEditing(undefined);
            setCreated((c) => c.map((x) => (x.partnerId === saved.partnerId ? saved : x)));
            setNotice(`Saved ${saved.name} (${saved.partnerId}): its key is unchanged.`);
            changed();
          }}
          onCancel={() => setEditing(undefined)}
        />
      )}
    </section>
  );
}

/** The scope checkboxes of a partner form: one per scope the contract names. */
function ScopeChecks(props: {
  prefix: string;
  scopes: string[];
  error?: string | undefined;
  onChange: (scopes: string[]) => void;
}) {
  const { prefix, scopes, error } = props;
  return (
    <fieldset class={error ? 'field-invalid' : ''} {...(error ? { 'aria-describedby': `${prefix}-scopes-error` } : {})}>
      <legend>Scopes</legend>
      {PARTNER_SCOPES.map((scope) => (
        <div class="field-check" key={scope}>
          <input
            type="checkbox"
            id={`${prefix}-${scope}`}
            checked={scopes.includes(scope)}
            onChange={(e) =>
              props.onChange(e.currentTarget.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))
            }
          />
          <label for={`${prefix}-${scope}`}>{scope}</label>
        </div>
      ))}
      {error && (
        <p class="field-error" id={`${prefix}-scopes-error`}>
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** A partner's own limit: requests per second and the burst, each with the API's error at it. */
function LimitFields(props: {
  prefix: string;
  optional?: boolean;
  fields: Map<string, string>;
  perSecond: [string, (value: string) => void];
  burst: [string, (value: string) => void];
}) {
  const suffix = props.optional ? ' (optional)' : '';
  const limits = [
    ['rate', `Requests per second${suffix}`, 'perSecond', props.perSecond],
    ['burst', `Burst${suffix}`, 'burst', props.burst],
  ] as const;
  return (
    <>
      {limits.map(([id, label, field, [value, set]]) => (
        <Field key={id} id={`${props.prefix}-${id}`} label={label} error={props.fields.get(`rateLimit.${field}`)}>
          {(a) => <input {...a} type="number" min={1} value={value} onInput={(e) => set(e.currentTarget.value)} />}
        </Field>
      ))}
    </>
  );
}

const scopeErrorOf = (fields: Map<string, string>) =>
  fields.get('scopes') ?? [...fields].find(([path]) => path.startsWith('scopes.'))?.[1];

/**
 * A partner changed in place (PATCH): only what changed is sent, the key stays the same. An admin
 * key has every scope and the region's limit, so only its name is offered.
 */
function EditPartner(props: { partner: Partner; onSaved: (partner: Partner) => void; onCancel: () => void }) {
  const { partner } = props;
  const isAdmin = partner.role === 'admin';
  const prefix = `edit-partner-${partner.partnerId}`;
  const [name, setName] = useState(partner.name);
  const [scopes, setScopes] = useState<string[]>(partner.scopes);
  const [perSecond, setPerSecond] = useState(partner.rateLimit ? String(partner.rateLimit.perSecond) : '');
  const [burst, setBurst] = useState(partner.rateLimit ? String(partner.rateLimit.burst) : '');
  const [error, setError] = useState<unknown>();
  const fields = error instanceof ApiProblem ? error.fieldErrors() : new Map<string, string>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    const body: Record<string, unknown> = {};
    if (name !== partner.name) body.name = name;
    const sameScopes = scopes.length === partner.scopes.length && scopes.every((s) => partner.scopes.includes(s));
    if (!isAdmin && !sameScopes) body.scopes = PARTNER_SCOPES.filter((s) => scopes.includes(s));
    const limit = { perSecond: Number(perSecond), burst: Number(burst) };
    const limitChanged =
      (perSecond.trim() || burst.trim()) &&
      (limit.perSecond !== partner.rateLimit?.perSecond || limit.burst !== partner.rateLimit?.burst);
    if (!isAdmin && limitChanged) body.rateLimit = limit;
    if (Object.keys(body).length === 0) {
      props.onCancel();
      return;
    }
    try {
      const path = `/v1/admin/partners/${encodeURIComponent(partner.partnerId)}`;
      const { body: saved } = await call<Partner>('PATCH', path, { body });
      props.onSaved(saved);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="card" aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>Edit {partner.name}</h2>
      <p class="muted">
        {isAdmin
          ? 'An admin key has every scope and the region’s limit: only its name can change.'
          : 'The partner keeps its key; the new scopes and limit apply from its next request.'}
      </p>
      <form class="grid-form" onSubmit={(e) => void submit(e)}>
        <Field id={`${prefix}-name`} label="Name" error={fields.get('name')}>
          {(a) => (
            <input {...a} required maxLength={128} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          )}
        </Field>
        {!isAdmin && (
          <>
            <ScopeChecks prefix={prefix} scopes={scopes} error={scopeErrorOf(fields)} onChange={setScopes} />
            <LimitFields
              prefix={prefix}
              fields={fields}
              perSecond={[perSecond, setPerSecond]}
              burst={[burst, setBurst]}
            />
          </>
        )}
        <div class="form-actions">
          <button type="submit">Save changes</button>
          <button type="button" class="secondary" onClick={props.onCancel}>
            Cancel
          </button>
        </div>
      </form>
      {error !== undefined && fields.size === 0 && <ProblemAlert error={error} />}
    </section>
  );
}

function CreatePartner({ onCreated }: { onCreated: (partner: Partner) => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [perSecond, setPerSecond] = useState('');
  const [burst, setBurst] = useState('');
  const [error, setError] = useState<unknown>();
  const fields = error instanceof ApiProblem ? error.fieldErrors() : new Map<string, string>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    const body: Record<string, unknown> = { name, scopes };
    if (perSecond.trim() || burst.trim()) body.rateLimit = { perSecond: Number(perSecond), burst: Number(burst) };
    try {
      const { body: partner } = await call<Partner>('POST', '/v1/admin/partners', { body });
      setName('');
      setScopes([]);
      setPerSecond('');
      setBurst('');
      onCreated(partner);
    } catch (e) {
      setError(e);
    }
  };
  const scopeError = scopeErrorOf(fields);
  return (
    <section class="card" aria-labelledby="create-partner-title">
      <h2 id="create-partner-title">Create a partner</h2>
      <form class="grid-form" onSubmit={(e) => void submit(e)}>
        <Field id="partner-name" label="Name" error={fields.get('name')}>
          {(a) => (
            <input {...a} required maxLength={128} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          )}
        </Field>
        <ScopeChecks prefix="scope" scopes={scopes} error={scopeError} onChange={setScopes} />
        <LimitFields
          prefix="partner"
          optional
          fields={fields}
          perSecond={[perSecond, setPerSecond]}
          burst={[burst, setBurst]}
        />
        <div class="form-actions">
          <button type="submit">Create partner</button>
        </div>
      </form>
      {error !== undefined && fields.size === 0 && <ProblemAlert error={error} />}
    </section>
  );
}

function PartnerActions(props: { partner: Partner; onRotated: (key: string) => void; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>();
  const path = `/v1/admin/partners/${encodeURIComponent(props.partner.partnerId)}`;
  const run = async (action: () => Promise<void>) => {
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div class="actions">
      <button
        type="button"
        class="secondary"
        onClick={() =>
          void run(async () => {
            const { body } = await call<{ apiKey: string }>('POST', `${path}/rotate-key`);
            props.onRotated(body.apiKey);
          })
        }
      >
        Rotate key
      </button>
      {confirming ? (
        <>
          <button
            type="button"
            class="danger"
            onClick={() =>
              void run(async () => {
                await call('DELETE', path);
                setConfirming(false);
                props.onDeleted();
              })
            }
          >
            Confirm delete {props.partner.name}
          </button>
          <button type="button" class="secondary" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </>
      ) : (
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Delete
        </button>
      )}
      <ProblemAlert error={error} />
    </div>
  );
}
